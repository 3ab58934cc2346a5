import Audit
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Syslog over TLS (RFC 5425): one long-lived connection, the collector's certificate verified against the
/// stream's `ca_file` and host name, a batch written as consecutive octet-counted frames.
///
/// Syslog has no acknowledgements: a batch counts as accepted once it has been written to an open TLS
/// connection. A collector that goes away may not have read the last batch written before the connection
/// broke, so after a broken connection that batch is written again first on the new one (a duplicate at
/// most; records are never skipped).
public actor SyslogTransport: StreamTransport {
    let host: String
    let port: Int
    let context: NIOSSLContext
    /// The name the certificate must carry (also sent as SNI); nil for an IP address, checked against the
    /// certificate's IP addresses instead.
    let serverHostname: String?
    let format: SyslogMessage
    let writeTimeout: TimeAmount
    private var channel: (any Channel)?
    /// The frames of the last batch written on `channel`.
    private var lastWritten: ByteBuffer?
    private var closed = false

    /// - Parameters: `caFile` and `clientCertificate` already resolved against the configuration's folder.
    public init(
        destination: SyslogDestination, caFile: String, clientCertificate: String?, hostname: String = SyslogMessage.localHostName(),
        processID: String = String(ProcessInfo.processInfo.processIdentifier), environment: [String: String] = ProcessInfo.processInfo.environment,
        writeTimeout: TimeAmount = .seconds(30)
    ) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        do {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        } catch {
            throw StreamDeliveryError("cannot read the collector CA bundle \(caFile)")
        }
        if let certificate = clientCertificate, let key = destination.tls.clientKey {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            } catch {
                throw StreamDeliveryError("cannot read the client certificate \(certificate)")
            }
            let pem = try key.resolve(environment: environment)
            guard let privateKey = try? NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem) else {
                throw StreamDeliveryError("the client key \(key) is not a PEM private key")
            }
            tls.privateKey = .privateKey(privateKey)
        }
        context = try NIOSSLContext(configuration: tls)
        host = destination.host
        port = destination.port
        let name = destination.tls.serverName ?? destination.host
        serverHostname = Self.isIPAddress(name) ? nil : name
        format = SyslogMessage(destination: destination, hostname: hostname, processID: processID)
        self.writeTimeout = writeTimeout
    }

    static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    public func deliver(_ records: [StreamedRecord]) async throws {
        var bytes: [UInt8] = []
        for record in records { SyslogMessage.frame(format.message(record), into: &bytes) }
        let frames = ByteBuffer(bytes: bytes)
        let connection: any Channel
        if let open = channel, open.isActive {
            connection = open
        } else {
            channel = nil
            connection = try await connect()
            guard !closed else {
                connection.close(promise: nil)
                throw StreamDeliveryError("the stream is stopping")
            }
            channel = connection
            if let unsure = lastWritten { try await write(unsure, on: connection) }
        }
        try await write(frames, on: connection)
        lastWritten = frames
    }

    private func connect() async throws -> any Channel {
        let context = self.context
        let serverHostname = self.serverHostname
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverHostname))
                    try channel.pipeline.syncOperations.addHandler(CollectorConnectionHandler())
                }
            }
        do {
            return try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw StreamDeliveryError("cannot connect to \(host):\(port): \(error)")
        }
    }

    /// Writes and flushes; a write that does not complete within `writeTimeout` (a collector that stopped
    /// reading) closes the connection.
    private func write(_ frames: ByteBuffer, on connection: any Channel) async throws {
        let timeout = connection.eventLoop.scheduleTask(in: writeTimeout) { connection.close(promise: nil) }
        defer { timeout.cancel() }
        do {
            try await connection.writeAndFlush(frames).get()
        } catch {
            connection.close(promise: nil)
            channel = nil
            throw StreamDeliveryError("writing to \(host):\(port) failed: \(error)")
        }
    }

    public func close() async {
        closed = true
        guard let open = channel else { return }
        channel = nil
        try? await open.close().get()
    }
}

/// The collector sends nothing but TLS records: whatever arrives is dropped, and an error (a broken or
/// uncleanly closed connection) closes the channel, so the next batch opens a new one.
final class CollectorConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
