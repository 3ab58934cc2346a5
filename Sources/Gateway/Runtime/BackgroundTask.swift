import ServiceLifecycle

/// A long-running loop (policy reload, key refresh) run as a service: cancelled on graceful shutdown,
/// after the HTTP server has drained.
public struct BackgroundTask: Service {
    let name: String
    let body: @Sendable () async -> Void

    public init(name: String, body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { await body() }
    }
}
