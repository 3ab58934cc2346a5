import Core
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Shared MCP helpers: JSON-RPC bodies, a session opened by `initialize`, stateless-revision envelopes.
enum MCPWire {
    static let stateless = "2026-07-28"

    static func request(_ method: String, id: Int = 1, params: JSONValue = [:]) -> ByteBuffer {
        let message: JSONValue = ["jsonrpc": "2.0", "id": .integer(id), "method": .string(method), "params": params]
        return ByteBuffer(bytes: message.serialized())
    }

    static func notification(_ method: String) -> ByteBuffer {
        let message: JSONValue = ["jsonrpc": "2.0", "method": .string(method)]
        return ByteBuffer(bytes: message.serialized())
    }

    static func initializeParams(_ version: String) -> JSONValue {
        ["protocolVersion": .string(version), "capabilities": [:], "clientInfo": ["name": "tests", "version": "1"]]
    }

    /// Runs `initialize` asking for `version` and returns the session id the answer carries.
    static func openSession(
        _ client: some TestClientProtocol, version: String = "2025-11-25", headers: HTTPFields = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let response = try await client.execute(
            uri: "/mcp", method: .post, headers: headers, body: request("initialize", params: initializeParams(version)))
        #expect(response.status == .ok, sourceLocation: sourceLocation)
        return try #require(response.headers[HTTPField.Name("Mcp-Session-Id")!], sourceLocation: sourceLocation)
    }

    /// Headers of a request in session `session` at `version`.
    static func sessionHeaders(_ session: String, version: String = "2025-11-25") -> HTTPFields {
        HTTPFields(["mcp-session-id": session, "mcp-protocol-version": version])
    }

    /// `params` with the stateless envelope in `_meta`.
    static func enveloped(_ params: JSONValue = [:], version: String = stateless) -> JSONValue {
        var params = params
        params["_meta"] = [
            "io.modelcontextprotocol/protocolVersion": .string(version),
            "io.modelcontextprotocol/clientCapabilities": [:],
            "io.modelcontextprotocol/clientInfo": ["name": "tests", "version": "1"],
        ]
        return params
    }

    /// The routing headers of a stateless request.
    static func statelessHeaders(method: String, name: String? = nil, version: String = stateless) -> HTTPFields {
        var headers = HTTPFields(["mcp-protocol-version": version, "mcp-method": method])
        if let name { headers[HTTPField.Name("Mcp-Name")!] = name }
        return headers
    }

    /// A stateless request whose headers agree with its body; returns the response.
    static func statelessCall(
        _ client: some TestClientProtocol, _ method: String, params: JSONValue = [:], name: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = statelessHeaders(method: method, name: name)
        for field in extra { headers[field.name] = field.value }
        return try await client.execute(
            uri: "/mcp", method: .post, headers: headers, body: request(method, params: enveloped(params)))
    }
}
