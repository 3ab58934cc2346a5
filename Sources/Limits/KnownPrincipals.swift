import Core
import Synchronization

/// The principals admitted recently, so an administrator's usage view can list them. Bounded: when full,
/// the oldest-admitted half is forgotten.
final class KnownPrincipals: Sendable {
    private struct State {
        var byKey: [String: (principal: Principal, seen: Int64)] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func note(_ p: Principal, key: String, now: Int64) {
        state.withLock { s in
            if s.byKey[key]?.principal == p {
                s.byKey[key]?.seen = now
                return
            }
            if s.byKey.count >= capacity {
                let keep = s.byKey.sorted { $0.value.seen > $1.value.seen }.prefix(capacity / 2)
                s.byKey = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
            s.byKey[key] = (p, now)
        }
    }

    var all: [Principal] {
        state.withLock { $0.byKey.values.map(\.principal) }.sorted { $0.id < $1.id }
    }
}
