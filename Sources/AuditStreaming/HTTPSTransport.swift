import AsyncHTTPClient
import Audit
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// JSON lines to an HTTPS collector: one `POST url` per batch, `Content-Type: application/x-ndjson`, one OCSF
/// event per line, `Authorization: Bearer <token>`. A 2xx answer accepts the whole batch; any other answer
/// (redirects included: they are never followed) or a transport error leaves it to be sent again.
public final class HTTPSTransport: StreamTransport {
    let url: String
    /// `Bearer <token>`: resolved once at start, never logged or put in an error.
    let authorization: String
    let client: HTTPClient
    let timeout: TimeAmount

    /// - Parameter caFile: already resolved against the configuration's folder; nil trusts the system's CAs.
    public init(
        destination: HTTPSDestination, caFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: TimeAmount = .seconds(30)
    ) throws {
        url = destination.url
        authorization = "Bearer " + (try destination.bearer.resolve(environment: environment))
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.timeout = .init(connect: .seconds(10), read: timeout)
        config.decompression = .disabled
        config.connectionPool.retryConnectionEstablishment = false
        config.tracing.tracer = nil
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        if let caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw StreamDeliveryError("cannot read the collector CA bundle \(caFile)")
            }
        }
        config.tlsConfiguration = tls
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        self.timeout = timeout
    }

    public func deliver(_ records: [StreamedRecord]) async throws {
        var body = ByteBuffer()
        body.reserveCapacity(records.reduce(0) { $0 + $1.line.utf8.count + 1 })
        for record in records {
            body.writeString(record.line)
            body.writeInteger(UInt8(ascii: "\n"))
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-ndjson")
        request.headers.add(name: "authorization", value: authorization)
        request.headers.add(name: "user-agent", value: "portcullis-audit-stream")
        request.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw StreamDeliveryError("POST to the collector failed: \(error)")
        }
        // Read (and drop) the answer so the connection can carry the next batch.
        _ = try? await response.body.collect(upTo: 64 << 10)
        guard (200..<300).contains(response.status.code) else {
            throw StreamDeliveryError("the collector answered \(response.status.code)")
        }
    }

    public func close() async {
        try? await client.shutdown()
    }
}
