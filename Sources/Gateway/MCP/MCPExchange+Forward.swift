import Core
import MCP
import NIOHTTP1

/// Forwarding: the server's credential for the call (`authorizeUpstream`), a durable begin record, then the
/// message with the gateway's own credentials (or a token exchanged for the caller) and only
/// the protocol headers the gateway chose; the answer comes back as one JSON message or an SSE stream.
extension MCPExchange {
    /// The protocol headers for the server: the revision, the server's session id, and in the stateless
    /// revision the routing headers (checked equal to the body before) and `Mcp-Param-*` written again.
    func upstreamHeaders(method: String?, params: JSONValue?, extra: [(String, String)] = []) -> [(String, String)] {
        var headers: [(String, String)] = [("x-request-id", incoming.context.requestID)] + upstreamAuthorization
        guard let revision else { return headers }
        headers.append(("mcp-protocol-version", revision.rawValue))
        if revision.isStateless {
            if let method {
                headers.append(("mcp-method", method))
                if let key = ClientMethod(rawValue: method)?.nameParameter, let name = params?[key]?.stringValue {
                    headers.append(("mcp-name", StatelessEnvelope.encodeHeaderValue(name)))
                }
            }
            headers += extra
        } else if let upstreamID = session?.upstreamID {
            headers.append(("mcp-session-id", upstreamID))
        }
        return headers
    }

    /// Writes the begin record (fail closed) and forwards a request; its answer is inspected per `method`.
    mutating func forward(_ body: JSONValue, id: JSONValue, method: ClientMethod, extraHeaders: [(String, String)] = []) async -> PipelineAnswer {
        guard let server else { return await fail(JSONRPCFailure(.internalError, "No server."), id: id, outcome: .invalidRequest) }
        let bytes = message?.body == body ? bodyBytes : body.serialized()
        if let refusal = await authorizeUpstream(id: id) { return refusal }
        if let refusal = await begin(bytes, id: id) { return refusal }
        let reply: MCPUpstream.Reply
        let headers = upstreamHeaders(method: method.rawValue, params: body["params"], extra: extraHeaders), limit = gateway.maxMessageBytes
        do {
            reply = try await trail.trace.step(.forward) { () async throws(MCPUpstream.Failure) in try await server.upstream.post(bytes, headers: headers, limit: limit) }
        } catch {
            return await upstreamFailure(error, id: id)
        }
        return await relay(reply, id: id, method: method)
    }

    /// A notification, or the client's answer to a server request: forwarded; the server's 202 passed on.
    mutating func forwardWithoutAnswer(_ body: JSONValue) async -> PipelineAnswer {
        guard let server else { return await fail(JSONRPCFailure(.internalError, "No server."), status: 500, outcome: .invalidRequest) }
        let bytes = message?.body == body ? bodyBytes : body.serialized()
        if let refusal = await authorizeUpstream(id: nil) { return refusal }
        if let refusal = await begin(bytes, id: nil) { return refusal }
        let reply: MCPUpstream.Reply
        let headers = upstreamHeaders(method: message?.method, params: body["params"]), limit = gateway.maxMessageBytes
        do {
            reply = try await trail.trace.step(.forward) { () async throws(MCPUpstream.Failure) in try await server.upstream.post(bytes, headers: headers, limit: limit) }
        } catch {
            return await upstreamFailure(error, id: nil)
        }
        switch reply {
        case .accepted(let status):
            await conclude(status: status, outcome: .allowed)
            return PipelineAnswer(status: status, headers: [], body: .bytes([]))
        case .failed(let status, _):
            return await fail(JSONRPCFailure(.upstream, "The MCP server answered HTTP \(status).", reason: "upstream_error", data: ["status": .integer(status)]), status: 502, outcome: .upstreamError)
        case .json, .events:
            // A notification or an answer gets no answer of its own; whatever came is not relayed.
            trail.droppedAnswerFields.append("answer to a notification")
            await conclude(status: 202, outcome: .allowed)
            return PipelineAnswer(status: 202, headers: [], body: .bytes([]))
        }
    }

    mutating func begin(_ bytes: [UInt8], id: JSONValue?) async -> PipelineAnswer? {
        trail.requestBody = bytes
        do {
            let record = pipeline.record, begun = trail
            try await trail.trace.step(.record, phase: "begin") { () async throws(GatewayError) in try await record.begin(begun) }
            trail.begun = true
            trail.upstreamStarted = .now
            return nil
        } catch {
            let failure = JSONRPCFailure(.controlUnavailable, "The audit trail cannot be written; nothing was forwarded.", reason: "control_unavailable")
            if let id { return await fail(failure, id: id, outcome: .controlUnavailable) }
            return await fail(failure, status: 503, outcome: .controlUnavailable)
        }
    }

    mutating func upstreamFailure(_ error: MCPUpstream.Failure, id: JSONValue?) async -> PipelineAnswer {
        let (failure, outcome): (JSONRPCFailure, RequestTrail.Outcome) = switch error {
        case .timeout: (JSONRPCFailure(.upstream, "The MCP server did not answer in time.", reason: "upstream_timeout"), .timeout)
        case .unreachable: (JSONRPCFailure(.upstream, "The MCP server cannot be reached.", reason: "upstream_unreachable"), .upstreamError)
        case .invalidAnswer(let why): (JSONRPCFailure(.upstream, "The MCP server's answer is not usable (\(why)).", reason: "upstream_invalid_answer"), .upstreamError)
        }
        if let id { return await fail(failure, id: id, outcome: outcome) }
        return await fail(failure, status: 502, outcome: outcome)
    }
}
