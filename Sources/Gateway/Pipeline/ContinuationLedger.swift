import Core
import Synchronization

/// Which principal created which provider-stored state: a Responses answer's id is noted for the principal
/// whose call produced it, and a later `previous_response_id` is served only to that principal — one user
/// who learns another's response id cannot continue that conversation. Bounded (oldest ids forgotten first)
/// and in memory: after a restart, or beyond the bound, a continuation is refused (fail closed) and the caller
/// sends the conversation again. With several replicas, a continuation is served by the replica that saw the
/// answer (the PostgreSQL store of issue 17 shares it).
final class ContinuationLedger: Sendable {
    private struct State {
        var owners: [String: String] = [:]
        /// Ids in the order they were noted, for eviction.
        var order: [String] = []
        var head = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    func note(_ id: String, createdBy principal: Principal) {
        state.withLock { s in
            guard s.owners[id] == nil else { return }  // the first owner keeps it
            s.owners[id] = principal.id
            if s.order.count < capacity {
                s.order.append(id)
            } else {
                s.owners[s.order[s.head]] = nil
                s.order[s.head] = id
                s.head = (s.head + 1) % capacity
            }
        }
    }

    func belongs(_ id: String, to principal: Principal) -> Bool {
        state.withLock { $0.owners[id] } == principal.id
    }
}
