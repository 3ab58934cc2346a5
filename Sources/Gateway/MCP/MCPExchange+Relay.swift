import AsyncHTTPClient
import Core
import MCP
import NIOHTTP1

/// The way back: the server's answer, its notifications and its requests to the client, each inspected,
/// filtered or refused before the client sees it.
extension MCPExchange {
    mutating func relay(_ reply: MCPUpstream.Reply, id: JSONValue, method: ClientMethod) async -> PipelineAnswer {
        switch reply {
        case .failed(404, _) where session != nil:
            if let session { await gateway.sessions.close(session.id) }
            return await fail(JSONRPCFailure(.invalidRequest, "The MCP server ended the session.", reason: "session_not_found"), status: 404, outcome: .upstreamError, id: id)
        case .events(let body, _) where method != .initialize:
            trail.upstreamHeadAt = .now
            let snapshot = self
            return PipelineAnswer(
                status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")],
                body: .stream { emit in
                    var exchange = snapshot
                    await exchange.relayEvents(body, expecting: id, method: method, emit: emit)
                })
        case .accepted, .failed, .json, .events:
            let response: JSONRPCMessage
            let upstreamHeaders: HTTPHeaders?
            do {
                let read = try await MCPReplyReader.response(of: reply, id: id, limit: gateway.maxMessageBytes)
                response = read.answer
                if read.dropped > 0 { trail.droppedAnswerFields.append("\(read.dropped) server message(s) before the \(method.rawValue) answer") }
            } catch {
                return await fail(error, id: id, outcome: .upstreamError)
            }
            switch reply {
            case .json(_, let headers), .events(_, let headers): upstreamHeaders = headers
            case .accepted, .failed: upstreamHeaders = nil
            }
            trail.upstreamHeadAt = .now
            var headers: [(String, String)] = [("content-type", "application/json")]
            if method == .initialize {
                guard let principal, let opened = await openSession(response, upstreamID: upstreamHeaders?.first(name: "mcp-session-id"), principal: principal) else {
                    return await fail(JSONRPCFailure(.upstream, "The MCP server chose a protocol revision the gateway does not speak.", reason: "unsupported_revision"), id: id, outcome: .upstreamError)
                }
                headers.append(("mcp-session-id", opened.id))
            }
            let delivered = await answer(response, method: method)
            // The server's own bytes when nothing was rewritten (a JSON reply), else the rewritten message.
            let bytes: [UInt8] = if delivered == response.body, case .json(let original, _) = reply { original } else { delivered.serialized() }
            trail.answerBody = bytes
            await conclude(status: 200, outcome: outcomeOfAnswer(delivered))
            return PipelineAnswer(status: 200, headers: headers, body: .bytes(bytes))
        }
    }

    /// `initialize`: an unknown requested revision is replaced by the newest the gateway speaks (the server
    /// may only answer with one of its own, and the gateway relays only revisions it knows).
    mutating func initialize(id: JSONValue, params: JSONValue) async -> PipelineAnswer {
        guard let message else { return await fail(JSONRPCFailure(.internalError, "No message."), id: id, outcome: .invalidRequest) }
        var body = message.body
        let asked = params["protocolVersion"]?.stringValue
        if asked.flatMap(ProtocolRevision.init(rawValue:)).map({ !$0.isStateless }) != true {
            body["params"]?["protocolVersion"] = .string(ProtocolRevision.latestHandshake.rawValue)
        }
        return await forwardInspected(body, id: id, method: .initialize)
    }

    /// Opens the gateway's session for a successful `initialize` answer in a revision the gateway speaks.
    mutating func openSession(_ response: JSONRPCMessage, upstreamID: String?, principal: Principal) async -> MCPSessions.Session? {
        guard case .result = response.kind else { return nil }
        guard let version = response.result?["protocolVersion"]?.stringValue, let chosen = ProtocolRevision(rawValue: version), !chosen.isStateless,
            let opened = await gateway.sessions.open(server: serverName, principal: principal, revision: chosen, upstreamID: upstreamID)
        else { return nil }
        session = opened
        revision = chosen
        trail.mcp?.protocolVersion = chosen.rawValue
        trail.mcp?.session = MCPSessions.digest(opened.id)
        return opened
    }

    /// The server's answer to the client's request, as the client gets it: inspected and filtered per method,
    /// or replaced by a JSON-RPC error when a control stops it.
    mutating func answer(_ response: JSONRPCMessage, method: ClientMethod) async -> JSONValue {
        guard let id = response.id else { return response.body }
        var body = response.body
        let part = response.result != nil ? "result" : "error"
        guard let value = body[part] else { return body }
        var inspected = value
        if case .result = response.kind {
            switch method {
            case .toolsList: inspected = await filterTools(value)
            case .promptsList: inspected = await filterListed(value, member: "prompts", kind: .prompt, key: "name", operation: .promptsGet)
            case .resourcesList: inspected = await filterListed(value, member: "resources", kind: .resource, key: "uri", operation: .resourcesRead)
            case .toolsCall, .resourcesRead, .promptsGet:
                if server?.configuration.binaryContent == .refuse, InspectedText.hasBinary(value) {
                    return JSONRPCFailure(.guardrailBlocked, "The answer carries binary content, which this server may not send.", reason: "binary_content").message(id: id)
                }
            case .initialize, .ping, .serverDiscover, .loggingSetLevel, .resourcesTemplatesList: break
            }
        }
        // Tool definitions are pinned as the server wrote them: checked (pins, poisoning), never rewritten; the
        // rest of a tools/list result (`_meta`...) is inspected like any answer.
        let definitions = method == .toolsList && part == "result" ? inspected["tools"] : nil
        if definitions != nil { _ = inspected.remove(at: JSONLocation([.key("tools")])) }
        switch gateway.inspection.inspectAnswer(inspected, obligations: obligations, vault: vault) {
        case .forward(var rewritten, let findings):
            trail.answerFindings += findings
            if let definitions { rewritten["tools"] = definitions }
            body[part] = rewritten
        case .block(let category, let findings):
            trail.answerFindings += findings
            return JSONRPCFailure(.guardrailBlocked, "The server's answer was blocked by a guardrail (\(category)).", reason: "guardrail_blocked", data: ["category": .string(category)]).message(id: id)
        case .unavailable:
            return JSONRPCFailure(.controlUnavailable, "The guardrails cannot run.", reason: "control_unavailable").message(id: id)
        }
        if let result = body["result"] {
            trail.mcp?.resultSHA256 = MCPGateway.sha256(result)
            // The stateless revision's "ask the client first": its state may come back only from this caller.
            if result["resultType"]?.stringValue == "input_required", let state = result["requestState"]?.stringValue, let principal {
                gateway.requestStates.note(requestStateKey(state), createdBy: principal)
            }
        }
        return body
    }

    func outcomeOfAnswer(_ delivered: JSONValue) -> RequestTrail.Outcome {
        guard let reason = delivered["error"]?["data"]?["reason"]?.stringValue else {
            return delivered["error"] == nil ? .allowed : .upstreamError
        }
        switch reason {
        case "guardrail_blocked", "binary_content": return .blockedGuardrail
        case "control_unavailable": return .controlUnavailable
        default: return .upstreamError
        }
    }

    /// Relays an SSE answer: each message parsed and classified — the answer to this request (inspected, then
    /// the stream ends), the server's notifications and requests (inspected; unknown ones dropped and noted).
    mutating func relayEvents(
        _ body: HTTPClientResponse.Body, expecting id: JSONValue?, method: ClientMethod?, emit: ([UInt8]) async throws -> Void
    ) async {
        var framer = SSEFramer(maxLineBytes: gateway.maxMessageBytes)
        var answered = false
        do {
            streaming: for try await chunk in body {
                for event in try framer.push(chunk.readableBytesView) where !event.data.isEmpty {
                    let message: JSONRPCMessage
                    do { message = try JSONRPCMessage.parse(event.data, limit: gateway.maxMessageBytes) } catch {
                        trail.droppedAnswerFields.append("event that is not a JSON-RPC message")
                        break streaming
                    }
                    if message.method == nil, let id, message.id == id, let method {
                        let delivered = await answer(message, method: method)
                        let bytes = delivered == message.body ? event.data : delivered.serialized()
                        trail.answerBody = bytes
                        try await emit(SSEEvent(event: "message", data: bytes).encoded())
                        trail.streamedBytes += bytes.count
                        await conclude(status: 200, outcome: outcomeOfAnswer(delivered))
                        answered = true
                        return
                    }
                    switch await serverMessage(message) {
                    case .relay(let relayed):
                        let bytes = relayed == message.body ? event.data : relayed.serialized()
                        try await emit(SSEEvent(event: "message", data: bytes).encoded())
                        trail.streamedBytes += bytes.count
                    case .drop: break
                    case .refuse(let requestID, let failure): await answerServer(requestID, failure)
                    }
                }
            }
        } catch is SSEFramer.Failure {
            trail.droppedAnswerFields.append("event larger than \(gateway.maxMessageBytes) bytes")
        } catch {
            if !answered {
                await conclude(status: 200, outcome: .clientDisconnect)
                return
            }
        }
        guard !answered else { return }
        if let id {
            let failure = JSONRPCFailure(.upstream, "The MCP server's stream ended without an answer.", reason: "upstream_invalid_answer")
            try? await emit(SSEEvent(event: "message", data: failure.message(id: id).serialized()).encoded())
            await conclude(status: 200, outcome: .upstreamError)
        } else {
            await conclude(status: 200, outcome: .allowed)
        }
    }

    enum ServerMessageRelay {
        case relay(JSONValue)
        /// Not for the client: dropped (and noted).
        case drop
        /// A server request the client must not see: the gateway answers it with this error instead.
        case refuse(JSONValue, JSONRPCFailure)
    }

    /// A message the server sends on its own: a declared notification or request, its `params` inspected (an
    /// identifier-only notification has nothing to find, but nothing in it goes uninspected). Undeclared ones are dropped and noted; a blocked request is answered with an error on the client's
    /// behalf (the server is not left waiting); a request where the client has no way to answer is dropped.
    mutating func serverMessage(_ message: JSONRPCMessage) async -> ServerMessageRelay {
        guard let name = message.method, let known = ServerMessage(rawValue: name) else {
            trail.droppedAnswerFields.append(message.method.map { "server message \($0)" } ?? "answer to another request")
            return .drop
        }
        if known.isRequest, session == nil || message.id == nil {
            trail.droppedAnswerFields.append("server request \(name) (no session to answer it)")
            return .drop
        }
        var body = message.body
        if let params = message.params {
            switch gateway.inspection.inspectAnswer(params, obligations: obligations, vault: vault) {
            case .forward(let rewritten, let findings):
                trail.answerFindings += findings
                body["params"] = rewritten
            case .block(let category, let findings):
                trail.answerFindings += findings
                trail.droppedAnswerFields.append("server message \(name) (blocked: \(category))")
                guard known.isRequest, let requestID = message.id else { return .drop }
                return .refuse(requestID, JSONRPCFailure(.guardrailBlocked, "The request was blocked by a guardrail (\(category)).", reason: "guardrail_blocked"))
            case .unavailable:
                trail.droppedAnswerFields.append("server message \(name) (guardrails unavailable)")
                guard known.isRequest, let requestID = message.id else { return .drop }
                return .refuse(requestID, JSONRPCFailure(.controlUnavailable, "The guardrails cannot run.", reason: "control_unavailable"))
            }
        }
        if known.isRequest, let session, let requestID = message.id { await gateway.sessions.expectAnswer(session.id, to: requestID) }
        return .relay(body)
    }

    /// Answers a server's request with an error, in the client's session, with the gateway's credentials.
    func answerServer(_ requestID: JSONValue, _ failure: JSONRPCFailure) async {
        guard let server else { return }
        let bytes = failure.message(id: requestID).serialized()
        _ = try? await server.upstream.post(bytes, headers: upstreamHeaders(method: nil, params: nil), limit: 1 << 16)
    }
}
