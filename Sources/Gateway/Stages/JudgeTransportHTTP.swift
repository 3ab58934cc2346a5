import AsyncHTTPClient
import NIOCore

/// Carries external-judge calls over the gateway's HTTP client (Guardrails itself has no HTTP).
struct JudgeTransportHTTP: Sendable {
    let client: HTTPClient

    @Sendable func send(_ url: String, _ headers: [(String, String)], _ body: [UInt8], _ timeout: Duration) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let millis = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let response = try await client.execute(request, timeout: .milliseconds(millis))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(bytes.readableBytesView))
    }
}
