import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a gateway until SIGTERM/SIGINT: the HTTP server drains in-flight requests and streams (up to
/// `server.shutdown_grace_seconds`), then background services stop and stores close. SIGHUP reloads policies.
public enum GatewayProcess {
    public static func run(
        _ runtime: GatewayRuntime, extraRoutes: @escaping @Sendable (Router<GatewayRequestContext>) -> Void = { _ in },
        extraServices: [any Service] = [], onListening: @escaping @Sendable (Int) async -> Void = { _ in },
        logger: Logger
    ) async throws {
        let app = try runtime.makeApplication(extraRoutes: extraRoutes) { channel in
            await onListening(channel.localAddress?.port ?? runtime.configuration.server.port)
        }
        let reloader = BackgroundTask(name: "sighup") {
            for await _ in await UnixSignalsSequence(trapping: .sighup) { runtime.reloadPolicies() }
        }
        // Graceful shutdown runs in reverse order: the server drains first, then the rest.
        var config = ServiceGroupConfiguration(
            services: runtime.backgroundServices + extraServices + [reloader, app],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        config.maximumGracefulShutdownDuration = .milliseconds(Int64(runtime.configuration.server.shutdownGraceSeconds * 1000))
        let group = ServiceGroup(configuration: config)
        do {
            try await group.run()
        } catch {
            await runtime.shutdown()
            throw error
        }
        await runtime.shutdown()
    }
}
