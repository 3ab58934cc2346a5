import HTTPTypes
import Hummingbird

/// The handshake era (2025-06-18, 2025-11-25): `initialize` opens a session and answers its id in
/// `Mcp-Session-Id`; every later message must carry that id (400 without, 404 for an unknown or ended
/// session) and, when it sends `MCP-Protocol-Version`, the negotiated revision (400 otherwise).
/// Notifications (`notifications/...`) get 202 and no body. JSON-RPC errors travel at HTTP 200.
extension MockMCPServer {
    func handshakeAnswer(_ message: JSONRPCMessage, headers: HTTPFields, versionHeader: String?) -> Response {
        if case .request(let request) = message, request.method == MCPMethod.initialize.rawValue {
            return initialize(request)
        }
        let revision: MCPRevision
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
        switch message {
        case .notification(let method):
            guard method.hasPrefix("notifications/") else {
                return MCPAnswer.refusal(.badRequest, "Bad Request: \(method) is not a notification; a request needs an id")
            }
            return MCPAnswer.accepted()
        case .request(let request):
            guard let method = MCPMethod(rawValue: request.method), method.exists(in: .handshake) else {
                return MCPAnswer.error(.methodNotFound(request.method), id: request.id, era: .handshake)
            }
            do {
                return MCPAnswer.result(try answer(method, request, revision: revision), id: request.id)
            } catch {
                return MCPAnswer.error(error, id: request.id, era: .handshake)
            }
        }
    }

    /// Negotiates the revision (the one asked when spoken here, else the latest) and opens a session.
    private func initialize(_ request: JSONRPCRequest) -> Response {
        guard let requested = request.params["protocolVersion"]?.stringValue else {
            return MCPAnswer.error(.invalidParams("params.protocolVersion must be a string"), id: request.id, era: .handshake)
        }
        let revision = MCPRevision.negotiated(requested: requested)
        do {
            let result = try answer(.initialize, request, revision: revision)
            return MCPAnswer.result(result, id: request.id, headers: [.mcpSessionID: sessions.open(revision)])
        } catch {
            return MCPAnswer.error(error, id: request.id, era: .handshake)
        }
    }

    /// The open session named by `Mcp-Session-Id`, or the refusal: 400 when the header is missing, 404
    /// when no such session is open (never opened, ended, or forgotten).
    func session(_ headers: HTTPFields) throws(MockLLM.EarlyResponse) -> (id: String, revision: MCPRevision) {
        guard let id = headers[.mcpSessionID] else {
            throw .init(response: MCPAnswer.refusal(.badRequest, "Bad Request: Missing session ID (Mcp-Session-Id)"))
        }
        guard let revision = sessions.revision(of: id) else {
            throw .init(response: MCPAnswer.refusal(.notFound, "Not Found: Invalid or expired session ID"))
        }
        return (id, revision)
    }
}
