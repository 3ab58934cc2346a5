import Audit
import Core
import Guardrails
import MCP

/// One HTTP request to `/mcp/<server>`, from its credentials to its audit record. Each JSON-RPC message is one
/// trail: authenticated against the server's resource URI, parsed and checked as an envelope, placed in its
/// revision (a session of the handshake revisions, bound to its principal, or the stateless revision's checked
/// headers), decided, forwarded with the gateway's own credentials, and its answer inspected on the way back.
struct MCPExchange: Sendable {
    let gateway: MCPGateway
    let incoming: MCPIncoming
    let serverName: String
    var trail: RequestTrail
    var server: MCPServer?
    var principal: Principal?
    var revision: ProtocolRevision?
    var session: MCPSessions.Session?
    var message: JSONRPCMessage?
    /// The message as the caller sent it.
    var bodyBytes: [UInt8] = []
    /// Obligations of the deciding policies (guardrail profile, redaction, limits).
    var obligations: Obligations = .none
    /// Placeholders handed out for the request, restored in its answer.
    var vault = PseudonymVault()
    /// `Authorization` for a server with `token_exchange` (see `authorizeUpstream`), sent with every message.
    var upstreamAuthorization: [(String, String)] = []

    init(gateway: MCPGateway, incoming: MCPIncoming, serverName: String) {
        self.gateway = gateway
        self.incoming = incoming
        self.serverName = serverName
        trail = RequestTrail(context: incoming.context)
        trail.mcp = AuditMCPCall(server: serverName, method: "")
        let tracing = gateway.pipeline.tracing
        if tracing.isOn { trail.trace = tracing.startRequest("mcp", caller: CallerTraceContext(headers: incoming.headers)) }
    }

    var pipeline: Pipeline { gateway.pipeline }

    // MARK: POST

    mutating func post() async -> PipelineAnswer {
        trail.mcp?.method = "post"
        if let refusal = await admitCaller() { return refusal }
        let bytes: [UInt8]
        do { bytes = try await incoming.body.read(limit: gateway.maxMessageBytes) } catch {
            return await fail(JSONRPCFailure(.invalidRequest, "The message is larger than \(gateway.maxMessageBytes) bytes.", reason: "request_too_large"), status: 413, outcome: .invalidRequest)
        }
        bodyBytes = bytes
        let parsed: JSONRPCMessage
        do { parsed = try JSONRPCMessage.parse(bytes, limit: gateway.maxMessageBytes) } catch {
            return await fail(error, status: 400, outcome: .invalidRequest, id: JSONRPCMessage.refusedID(bytes))
        }
        message = parsed
        trail.mcp?.method = parsed.method ?? (parsed.id == nil ? "notification" : "response")
        if let refusal = await placeInRevision(parsed) { return refusal }
        trail.mcp?.protocolVersion = revision?.rawValue
        switch parsed.kind {
        case .request(let id, let method):
            guard let known = ClientMethod(rawValue: method) else {
                return await fail(JSONRPCFailure(.methodNotFound, "Method '\(method)' is not available through the gateway.", reason: "unknown_method"), id: id, outcome: .invalidRequest)
            }
            do { try known.check(parsed.params) } catch { return await fail(error, id: id, outcome: .invalidRequest) }
            return await request(known, id: id)
        case .notification(let method):
            guard ClientNotification(rawValue: method) != nil else {
                return await fail(JSONRPCFailure(.methodNotFound, "Notification '\(method)' is not available through the gateway.", reason: "unknown_method"), status: 400, outcome: .invalidRequest)
            }
            switch inspected("params", of: parsed.body) {
            case .forward(let checked): return await forwardWithoutAnswer(checked)
            case .refuse(let failure, let outcome): return await fail(failure, status: 400, outcome: outcome)
            }
        case .result(let id), .error(let id):
            return await clientAnswer(parsed, id: id)
        }
    }

    /// Steps 1 and the scope check: a verified principal whose token was issued for this server, or a 401/403
    /// with the challenge that tells a client where to get one.
    mutating func admitCaller() async -> PipelineAnswer? {
        guard let server = gateway.servers[serverName] else {
            return await fail(JSONRPCFailure(.invalidRequest, "No MCP server '\(serverName)' is configured.", reason: "unknown_server"), status: 404, outcome: .invalidRequest)
        }
        self.server = server
        do {
            principal = try await pipeline.authenticate.authenticate(incoming.credentials, context: incoming.context, audience: server.resourceURI)
        } catch {
            trail.outcome = Pipeline.outcome(for: error)
            switch error {
            case .unauthenticated(let why), .proofRefused(let why, _, _): trail.authFailure = why
            case .credentialsMissing: trail.authFailure = "missing credentials"
            case .controlUnavailable:
                return await fail(JSONRPCFailure(.controlUnavailable, "Identity cannot be verified right now.", reason: "control_unavailable"), status: 503, outcome: .controlUnavailable)
            default: break
            }
            var challenge = [("www-authenticate", server.challenge)]
            // A refused DPoP proof also says why, and which nonce to use next.
            if case .proofRefused = error { challenge += ErrorResponse(error).headers }
            return await fail(
                JSONRPCFailure(.invalidRequest, "A bearer token issued for \(server.resourceURI) is required.", reason: "unauthenticated"),
                status: 401, outcome: .refusedAuth, headers: challenge)
        }
        trail.principal = principal
        let granted = Set(principal?.scopes ?? [])
        if !server.configuration.scopes.allSatisfy(granted.contains) {
            trail.refusalReason = "insufficient_scope"
            return await fail(
                JSONRPCFailure(.invalidRequest, "The token lacks the scopes this server requires.", reason: "insufficient_scope"),
                status: 403, outcome: .refusedAuth, headers: [("www-authenticate", server.insufficientScope)])
        }
        return nil
    }

    /// Which revision the message speaks, and its session: the stateless revision (headers checked against the
    /// body), or a handshake revision whose session — except to open one — must exist and be the caller's.
    mutating func placeInRevision(_ message: JSONRPCMessage) async -> PipelineAnswer? {
        let versionHeader = incoming.header(StatelessEnvelope.versionHeader)
        let metaVersion = message.params?["_meta"]?[ProtocolRevision.metaVersionKey]?.stringValue
        let sessionID = incoming.header("mcp-session-id")
        if versionHeader == ProtocolRevision.stateless2026.rawValue || metaVersion == ProtocolRevision.stateless2026.rawValue
            || (sessionID == nil && metaVersion != nil)
        {
            do { revision = try StatelessEnvelope.check(message, headers: incoming.headers) } catch {
                return await fail(error, status: error.statelessStatus, outcome: .invalidRequest, id: message.id)
            }
            guard sessionID == nil else {
                return await fail(JSONRPCFailure(.invalidRequest, "The stateless revision has no sessions: send no Mcp-Session-Id."), status: 400, outcome: .invalidRequest, id: message.id)
            }
            return nil
        }
        if message.method == ClientMethod.initialize.rawValue {
            guard sessionID == nil else {
                return await fail(JSONRPCFailure(.invalidRequest, "initialize opens a session: send it without Mcp-Session-Id."), status: 400, outcome: .invalidRequest, id: message.id)
            }
            return nil
        }
        guard let sessionID else {
            return await fail(JSONRPCFailure(.invalidRequest, "Mcp-Session-Id is required: initialize first."), status: 400, outcome: .invalidRequest, id: message.id)
        }
        let found: MCPSessions.Session?
        do { found = try await findSession(sessionID) } catch {
            return await fail(JSONRPCFailure(.controlUnavailable, "MCP sessions cannot be read right now.", reason: "control_unavailable"), status: 503, outcome: .controlUnavailable, id: message.id)
        }
        guard let found else {
            return await fail(JSONRPCFailure(.invalidRequest, "Session not found.", reason: "session_not_found"), status: 404, outcome: .invalidRequest, id: message.id)
        }
        if let versionHeader, versionHeader != found.revision.rawValue {
            return await fail(JSONRPCFailure(.invalidRequest, "MCP-Protocol-Version does not match the session's revision \(found.revision.rawValue)."), status: 400, outcome: .invalidRequest, id: message.id)
        }
        session = found
        revision = found.revision
        trail.mcp?.session = MCPSessions.digest(found.id)
        return nil
    }

    /// The caller's session `id` of this server (nil without an id or a principal, or when not found); throws
    /// when the sessions cannot be read.
    func findSession(_ id: String?) async throws -> MCPSessions.Session? {
        guard let id, let principal else { return nil }
        return try await gateway.sessions.session(id, server: serverName, principal: principal)
    }

    /// A client's answer to a request the server sent it (sampling, elicitation, roots, ping): only to a
    /// request of this session still open, inspected as request text before the server sees it.
    mutating func clientAnswer(_ message: JSONRPCMessage, id: JSONValue) async -> PipelineAnswer {
        guard let session, await gateway.sessions.takeAnswer(session.id, to: id) else {
            return await fail(JSONRPCFailure(.invalidRequest, "This answers no open request of the server.", reason: "unexpected_answer"), status: 400, outcome: .invalidRequest)
        }
        switch inspected(message.result != nil ? "result" : "error", of: message.body) {
        case .forward(let checked): return await forwardWithoutAnswer(checked)
        case .refuse(let failure, let outcome): return await fail(failure, status: 400, outcome: outcome)
        }
    }

    // MARK: ending

    /// Ends the exchange with a JSON-RPC error for request `id`: with 200 in a handshake session (the
    /// transport worked; the call was refused), the stateless revision's status otherwise.
    mutating func fail(_ failure: JSONRPCFailure, id: JSONValue, outcome: RequestTrail.Outcome) async -> PipelineAnswer {
        let status = revision?.isStateless == true ? failure.statelessStatus : 200
        return await fail(failure, status: status, outcome: outcome, id: id)
    }

    mutating func fail(
        _ failure: JSONRPCFailure, status: Int, outcome: RequestTrail.Outcome, headers: [(String, String)] = [], id: JSONValue? = nil
    ) async -> PipelineAnswer {
        if trail.refusalReason == nil, trail.authFailure == nil, case .string(let reason)? = failure.data["reason"] { trail.refusalReason = reason }
        let body = failure.message(id: id).serialized()
        trail.answerBody = body
        await conclude(status: status, outcome: outcome)
        return PipelineAnswer(status: status, headers: [("content-type", "application/json")] + headers, body: .bytes(body))
    }

    mutating func conclude(status: Int, outcome: RequestTrail.Outcome) async {
        try? await pipeline.conclude(&trail, RequestEnd(status: status, outcome: outcome), admission: nil)
    }
}
