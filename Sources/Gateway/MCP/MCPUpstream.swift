import AsyncHTTPClient
import Core
import NIOCore
import NIOHTTP1

/// The HTTP side of one MCP server (Streamable HTTP). Sends only what the gateway chose: the message, the
/// protocol headers, the server's session id and the gateway's own credentials for that server — no header of
/// the caller's is passed through. Redirects are not followed (they would carry the credential elsewhere).
struct MCPUpstream: Sendable {
    let url: String
    let client: HTTPClient
    let timeout: Duration
    let credentials: [(String, String)]

    /// What the server answered.
    enum Reply: Sendable {
        /// 202 Accepted (a notification or a client's answer was taken), or another body-less success.
        case accepted(status: Int)
        /// A JSON body (one JSON-RPC message).
        case json(bytes: [UInt8], headers: HTTPHeaders)
        /// An SSE stream of JSON-RPC messages.
        case events(HTTPClientResponse.Body, headers: HTTPHeaders)
        /// An HTTP error (status and at most 64 KB of body, for the log only).
        case failed(status: Int, headers: HTTPHeaders)
    }

    enum Failure: Error {
        case unreachable(String)
        case timeout
        case invalidAnswer(String)
    }

    func post(_ body: [UInt8], headers: [(String, String)], limit: Int) async throws(Failure) -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "application/json, text/event-stream")
        for (name, value) in headers + credentials { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await execute(request, limit: limit)
    }

    /// GET: the server-initiated stream of a session.
    func stream(headers: [(String, String)], limit: Int) async throws(Failure) -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "accept", value: "text/event-stream")
        for (name, value) in headers + credentials { request.headers.add(name: name, value: value) }
        return try await execute(request, limit: limit)
    }

    /// DELETE: ends the server's session.
    func terminate(headers: [(String, String)]) async throws(Failure) -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .DELETE
        for (name, value) in headers + credentials { request.headers.add(name: name, value: value) }
        switch try await execute(request, limit: 1 << 16) {
        case .accepted(let status), .failed(let status, _): return status
        case .json, .events: return 200
        }
    }

    private func execute(_ request: HTTPClientRequest, limit: Int) async throws(Failure) -> Reply {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(timeout.wholeMilliseconds))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timeout
        } catch {
            throw .unreachable(String(describing: type(of: error)))
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            _ = try? await response.body.collect(upTo: 1 << 16)
            return .failed(status: status, headers: response.headers)
        }
        let type = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if type.hasPrefix("text/event-stream") { return .events(response.body, headers: response.headers) }
        do {
            let bytes = Array(try await response.body.collect(upTo: limit).readableBytesView)
            if bytes.isEmpty { return .accepted(status: status) }
            guard type.hasPrefix("application/json") else { throw Failure.invalidAnswer("content-type '\(type)'") }
            return .json(bytes: bytes, headers: response.headers)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .invalidAnswer("the answer is larger than \(limit) bytes or was cut")
        }
    }
}
