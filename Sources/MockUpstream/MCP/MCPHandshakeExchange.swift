import HTTPTypes
import Hummingbird
import MCP
import Support

/// The handshake era (2025-06-18, 2025-11-25): `initialize` opens a session and answers its id in
/// `Mcp-Session-Id`; every later message must carry that id (400 without, 404 for an unknown or ended
/// session) and, when it sends `MCP-Protocol-Version`, the negotiated revision (400 otherwise).
/// Notifications (`notifications/...`) get 202 and no body. JSON-RPC errors travel at HTTP 200.
extension MockMCPServer {
    func handshakeAnswer(_ message: JSONRPCMessage, headers: HTTPFields, versionHeader: String?) -> Response {
        if case .request(let id, let method) = message.kind, method == ClientMethod.initialize.rawValue {
            return initialize(id: id, params: message.params?.objectValue ?? [:])
        }
        let revision: ProtocolRevision
        do {
            revision = try session(headers).revision
        } catch {
            return error.response
        }
        if let versionHeader, versionHeader != revision.rawValue {
            return MCPAnswer.refusal(
                .badRequest,
                "Bad Request: MCP-Protocol-Version \(versionHeader) is not the session's negotiated \(revision.rawValue)")
        }
        switch message.kind {
        case .notification(let method):
            guard method.hasPrefix("notifications/") else {
                return MCPAnswer.refusal(.badRequest, "Bad Request: \(method) is not a notification; a request needs an id")
            }
            return MCPAnswer.accepted()
        case .request(let id, let method):
            return respond(to: message, id: id, method: method, revision: revision)
        case .result(let id), .error(let id):
            return MCPAnswer.postedResponse(id: id)
        }
    }

    /// Negotiates the revision (the one asked when spoken here by handshake, else the latest handshake
    /// revision: the client then decides whether it can continue) and opens a session.
    private func initialize(id: JSONValue, params: [String: JSONValue]) -> Response {
        guard let requested = params["protocolVersion"]?.stringValue else {
            return MCPAnswer.error(
                JSONRPCFailure(.invalidParams, "params.protocolVersion must be a string"), id: id, stateless: false)
        }
        let asked = ProtocolRevision(rawValue: requested).flatMap { $0.isStateless ? nil : $0 }
        let revision = asked ?? .latestHandshake
        do throws(JSONRPCFailure) {
            let result = try answer(.initialize, params: params, revision: revision)
            return MCPAnswer.result(result, id: id, headers: [.mcpSessionID: sessions.open(revision)])
        } catch {
            return MCPAnswer.error(error, id: id, stateless: false)
        }
    }

    /// The open session named by `Mcp-Session-Id`, or the refusal: 400 when the header is missing, 404
    /// when no such session is open (never opened, ended, or forgotten).
    func session(_ headers: HTTPFields) throws(MockLLM.EarlyResponse) -> (id: String, revision: ProtocolRevision) {
        guard let id = headers[.mcpSessionID] else {
            throw .init(response: MCPAnswer.refusal(.badRequest, "Bad Request: Missing session ID (Mcp-Session-Id)"))
        }
        guard let revision = sessions.revision(of: id) else {
            throw .init(response: MCPAnswer.refusal(.notFound, "Not Found: Invalid or expired session ID"))
        }
        return (id, revision)
    }
}
