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

    /// A body that has nothing (more) to do returns early — e.g. key refresh with no JWT issuers — and the
    /// service then waits for shutdown: a finished service would stop the whole process.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await body()
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
    }
}
