import Audit
import Foundation
import Logging

/// The streams of `audit.streams`, built from the configuration for one audit trail: one transport per
/// stream (syslog over TLS or HTTPS JSON lines), one lease holder id for this process.
public final class AuditStreams: Sendable {
    public let streams: [AuditStream]
    /// This process's lease holder id: random, so two processes never share one.
    public let holder: String

    /// Builds (does not start) the streams. Secrets (client keys, bearer tokens) are resolved here: a missing
    /// one stops the start-up instead of a stream failing later.
    /// - Parameters:
    ///   - resolve: turns a configured file path into one to open (relative paths: the configuration's folder).
    public init(
        configurations: [AuditStreamConfiguration], store: any AuditStore, committedSequence: @escaping @Sendable () -> Int,
        resolve: (String) -> String = { $0 }, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "portcullis.audit.stream")
    ) async throws {
        let holder = "\(SyslogMessage.localHostName())/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.lowercased())"
        self.holder = holder
        var built: [AuditStream] = []
        var transports: [any StreamTransport] = []
        do {
            for configuration in configurations {
                let transport: any StreamTransport
                switch configuration.destination {
                case .syslog(let destination):
                    transport = try SyslogTransport(
                        destination: destination, caFile: resolve(destination.tls.caFile),
                        clientCertificate: destination.tls.clientCertificate.map(resolve), environment: environment)
                case .https(let destination):
                    transport = try HTTPSTransport(destination: destination, caFile: destination.caFile.map(resolve), environment: environment)
                }
                transports.append(transport)
                built.append(AuditStream(
                    configuration: configuration, store: store, transport: transport, holder: holder,
                    committedSequence: committedSequence, logger: logger))
            }
        } catch {
            // An HTTP client must be shut down before it goes away.
            for t in transports { await t.close() }
            throw StreamConfigurationError(stream: configurations[built.count].name, reason: "\(error)")
        }
        streams = built
    }

    public func start() {
        for stream in streams { stream.start() }
    }

    /// Stops every stream after a last attempt to send what is left (at most `drain`, all streams at once).
    public func stop(drain: Duration = .seconds(5)) async {
        await withTaskGroup(of: Void.self) { group in
            for stream in streams { group.addTask { await stream.stop(drain: drain) } }
        }
    }
}

/// A stream that cannot be set up (unreadable CA bundle, missing secret, bad client key).
public struct StreamConfigurationError: Error, CustomStringConvertible {
    public let stream: String
    public let reason: String
    public var description: String { "audit.streams \(stream): \(reason)" }
}
