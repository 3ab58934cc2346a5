import Core
import Synchronization

/// The principals admitted recently, so an administrator's usage view can list them. Bounded: when full,
/// the half first noted longest ago is forgotten.
final class KnownPrincipals: Sendable {
    private struct State {
        var byKey: [HashedName: (principal: Principal, generation: UInt64)] = [:]
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func note(_ c: Caller) {
        state.withLock { s in
            if let i = s.byKey.index(forKey: c.key), s.byKey.values[i].principal == c.principal { return }
            s.generation &+= 1
            let g = s.generation
            if s.byKey.count >= capacity {
                let keep = s.byKey.sorted { $0.value.generation > $1.value.generation }.prefix(capacity / 2)
                s.byKey = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
            s.byKey[c.key] = (c.principal, g)
        }
    }

    var all: [Principal] {
        state.withLock { $0.byKey.values.map(\.principal) }.sorted { $0.id < $1.id }
    }
}
