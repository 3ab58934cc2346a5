import Core
import Policy

/// Step 4 over the `Policy` module: the current policy set (hot-reloaded atomically) decides.
struct PolicyStage: Deciding {
    let store: PolicyStore

    func decide(_ query: PolicyQuery) async -> Decision {
        store.decide(query)
    }
}
