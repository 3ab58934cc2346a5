import Core
import Synchronization

/// Which principal created which provider-stored state: a Responses answer's id is noted for the principal
/// whose call produced it, and a later `previous_response_id` is served only to that principal — one user
/// who learns another's response id cannot continue that conversation. Bounded (the least recently used ids
/// are forgotten first) and in memory: after a restart, or beyond the bound, a continuation is refused (fail
/// closed) and the caller sends the conversation again. With several replicas, a continuation is served by
/// the replica that saw the answer (the PostgreSQL store of issue 17 shares it). The MCP gateway keeps the
/// opaque `requestState` of the stateless revision's `input_required` results the same way. A delegated call's
/// state belongs to the user together with the services acting for them: another workload acting for the same
/// user does not continue it.
final class ContinuationLedger: Sendable {
    private let owners: Mutex<BoundedLRU<String, String>>

    init(capacity: Int = 100_000) {
        owners = Mutex(BoundedLRU(capacity: capacity))
    }

    func note(_ id: String, createdBy principal: Principal) {
        owners.withLock { lru in
            guard lru.get(id) == nil else { return }  // the first owner keeps it
            _ = lru.set(id, principal.callerKey)
        }
    }

    func belongs(_ id: String, to principal: Principal) -> Bool {
        owners.withLock { $0.get(id) } == principal.callerKey
    }
}
