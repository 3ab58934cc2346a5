import Core
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// The OTLP/HTTP (protobuf) export of `observability.tracing`, through swift-otel: a tracer for the pipeline and
/// the service that batches finished spans and sends them (run with the process's other services; flushed at
/// shutdown). Made without the process-global bootstrap, so nothing else in the process — and no test — is
/// affected. A collector that is down or slow never holds up a request: spans wait in a bounded queue (2,048 by
/// default; beyond it they are dropped and the drop is logged) while one export at a time is tried.
///
/// The standard `OTEL_*` variables swift-otel reads (`OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_QUEUE_SIZE`,
/// `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`...) adjust the export; `observability.tracing` says where and whether.
public struct TraceExport: Sendable {
    public let tracing: RequestTracing
    public let service: any Service

    /// The exporter is kept until the process exits, never deallocated: swift-otel's exporter shuts its HTTP
    /// client down synchronously when it is freed, which traps on an event loop — and with NIO as the global
    /// executor (`portcullis serve`) every task runs on one. A process makes one exporter at start-up.
    private static let processLifetime = Kept()

    private final class Kept: Sendable {
        private let held = Mutex<[any Sendable]>([])
        func keep(_ values: [any Sendable]) { held.withLock { $0 += values } }
    }

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - resolve: makes a relative `ca_file` relative to the configuration's folder.
    public init(
        configuration: TracingConfiguration, resolve: (String) -> String = { $0 },
        environment: [String: String], logger: Logger
    ) throws {
        guard configuration.enabled, let endpoint = configuration.endpoint else {
            throw Refused(description: "observability.tracing: not enabled")
        }
        // swift-otel stops the process (not an error) when told to speak gRPC, which this build leaves out.
        let protocolOverride = environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? environment["OTEL_EXPORTER_OTLP_PROTOCOL"]
        if let protocolOverride, protocolOverride.lowercased() == "grpc" {
            throw Refused(description: "observability.tracing: OTLP/gRPC is not built in; unset OTEL_EXPORTER_OTLP_PROTOCOL (traces are sent over OTLP/HTTP)")
        }
        guard let sampler = OTel.Configuration.TracesConfiguration.SamplerConfiguration.parentBasedTraceIDRatio(ratio: configuration.sampleRatio) else {
            throw Refused(description: "observability.tracing.sample_ratio: expected a number from 0 to 1")
        }
        var headers: [(String, String)] = []
        for (name, reference) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            do { headers.append((name, try reference.resolve(environment: environment))) } catch {
                throw Refused(description: "observability.tracing.headers.\(name): \(error)")
            }
        }
        var otel = OTel.Configuration.default
        otel.serviceName = configuration.serviceName
        otel.diagnosticLogger = .custom(logger)
        otel.diagnosticLogLevel = .warning
        otel.propagators = [.traceContext]
        otel.logs.enabled = false
        otel.metrics.enabled = false
        otel.traces.enabled = true
        otel.traces.exporter = .otlp
        otel.traces.sampler = sampler
        otel.traces.otlpExporter.endpoint = endpoint
        otel.traces.otlpExporter.protocol = .httpProtobuf
        otel.traces.otlpExporter.headers = headers
        otel.traces.otlpExporter.certificateFilePath = configuration.caFile.map(resolve)
        let backend = try OTel.makeTracingBackend(configuration: otel)
        tracing = RequestTracing(tracer: backend.factory)
        service = ExportService(exporter: backend.service, logger: logger)
        Self.processLifetime.keep([backend.factory, backend.service])
        logger.notice("tracing", metadata: [
            "endpoint": .string(endpoint), "sample_ratio": .stringConvertible(configuration.sampleRatio),
            "service_name": .string(configuration.serviceName),
        ])
    }
}

/// swift-otel's services (tracer, batching, exporter), run so that the export never decides the process's fate:
/// an export still failing when the process stops (a collector down at shutdown, cut off by the grace period) is
/// logged, not the exit status; and should the exporter stop early, the gateway goes on serving, untraced.
private struct ExportService: Service {
    let exporter: any Service
    let logger: Logger

    func run() async throws {
        do { try await exporter.run() } catch {
            logger.warning("trace export stopped", metadata: ["error": .string(String(describing: type(of: error)))])
        }
        // A service that returns stops the process: wait for its shutdown instead.
        try? await gracefulShutdown()
    }
}
