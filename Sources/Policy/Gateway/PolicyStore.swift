import Core
import Synchronization

/// Holds the current `PolicyEngine` and swaps it atomically on reload. A reload that fails (parse
/// error, bad entities, bad obligation annotation) keeps the previous engine and counts the failure.
public final class PolicyStore: Sendable {
    private struct State {
        var engine: PolicyEngine
        var source: PolicySource
        var reloads = 0
        var failures = 0
        var lastError: String?
    }

    private let state: Mutex<State>

    /// Loads the first engine; throws when the initial policies do not load (start-up must stop).
    public init(source: PolicySource) throws(PolicyEngineError) {
        state = Mutex(State(engine: try source.load(), source: source))
    }

    public init(engine: PolicyEngine, source: PolicySource) {
        state = Mutex(State(engine: engine, source: source))
    }

    /// The engine to use for one request (take it once per request).
    public var engine: PolicyEngine { state.withLock { $0.engine } }

    public func decide(_ query: PolicyQuery) -> Decision { engine.decide(query) }

    /// Reloads from the configured files.
    public func reload() throws(PolicyEngineError) {
        try reload(from: state.withLock { $0.source.policyPaths })
    }

    /// Reloads from `paths` (which become the configured policy files on success).
    public func reload(from paths: [String]) throws(PolicyEngineError) {
        var source = state.withLock { $0.source }
        source.policyPaths = paths
        do {
            let engine = try source.load()
            state.withLock {
                $0.engine = engine
                $0.source = source
                $0.reloads += 1
                $0.lastError = nil
            }
        } catch {
            state.withLock {
                $0.failures += 1
                $0.lastError = error.message
            }
            throw error
        }
    }

    /// Successful reloads since start.
    public var reloadCount: Int { state.withLock { $0.reloads } }
    /// Failed reloads since start (the gateway exports this as a metric).
    public var reloadFailures: Int { state.withLock { $0.failures } }
    /// The last reload error, nil after a successful reload.
    public var lastReloadError: String? { state.withLock { $0.lastError } }
    public var source: PolicySource { state.withLock { $0.source } }
}
