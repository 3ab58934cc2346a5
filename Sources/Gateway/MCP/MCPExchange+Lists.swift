import Audit
import Core
import MCP

/// The list answers: a caller sees only what it may use. A tool is listed when its definition is the pinned
/// one, carries no injected instructions (unless the server's `definition_findings` is `flag`), and calling
/// it could be permitted (`tools/call` decided with `context.listing` true and no arguments); a prompt or
/// resource when `prompts/get` or `resources/read` could be. What was hidden for integrity is recorded.
extension MCPExchange {
    mutating func filterTools(_ result: JSONValue) async -> JSONValue {
        guard let server, let tools = result["tools"]?.arrayValue else { return result }
        var kept: [JSONValue] = []
        var events: [AuditMCPCall.IntegrityEvent] = []
        for entry in tools {
            guard let tool = ToolDefinition(entry) else {
                trail.droppedAnswerFields.append("tools[] entry without a name")
                continue
            }
            let verdict: PinVerdict
            do { verdict = try await server.pins.verdict(for: tool) } catch {
                events.append(.init(tool: tool.name, event: "pins_unavailable", seenSHA256: tool.hash))
                continue
            }
            switch verdict {
            case .pinned: break
            case .changed(let pinned):
                events.append(.init(tool: tool.name, event: "changed", pinnedSHA256: pinned, seenSHA256: tool.hash))
                continue
            case .unapproved:
                events.append(.init(tool: tool.name, event: "unapproved", seenSHA256: tool.hash))
                continue
            }
            let poisoning = gateway.inspection.poisoning(tool)
            if !poisoning.isEmpty {
                trail.answerFindings += poisoning.map { var f = $0; f.direction = .response; return f }
                if server.configuration.definitionFindings == .hide {
                    events.append(.init(tool: tool.name, event: "poisoned", pinnedSHA256: tool.hash, seenSHA256: tool.hash))
                    continue
                }
            }
            let target = MCPTarget(kind: .tool, server: serverName, name: tool.name, definitionHash: tool.hash, annotations: tool.annotations)
            if await mayUse(.toolsCall, target) { kept.append(entry) }
        }
        trail.mcp?.integrity = events.isEmpty ? nil : events
        var filtered = result
        filtered["tools"] = .array(kept)
        return filtered
    }

    mutating func filterListed(_ result: JSONValue, member: String, kind: MCPTarget.Kind, key: String, operation: Operation) async -> JSONValue {
        guard let items = result[member]?.arrayValue else { return result }
        var kept: [JSONValue] = []
        for item in items {
            guard let name = item[key]?.stringValue else {
                trail.droppedAnswerFields.append("\(member)[] entry without '\(key)'")
                continue
            }
            if await mayUse(operation, MCPTarget(kind: kind, server: serverName, name: name)) { kept.append(item) }
        }
        var filtered = result
        filtered[member] = .array(kept)
        return filtered
    }

    /// Whether `operation` on `target` could be permitted: a listing decision (not the trail's decision).
    func mayUse(_ operation: Operation, _ target: MCPTarget) async -> Bool {
        guard let principal else { return false }
        return await pipeline.decide.decide(PolicyQuery(
            principal: principal, operation: operation, model: nil, sourceIP: incoming.context.clientIP, time: incoming.context.receivedAt,
            api: "mcp", mcp: target)).isAllowed
    }

    // MARK: GET and DELETE

    /// `GET`: the session's stream of server-initiated messages, each inspected like those of an answer.
    mutating func openStream() async -> PipelineAnswer {
        trail.mcp?.method = "stream"
        if let refusal = await admitCaller() { return refusal }
        guard let sessionID = incoming.header("mcp-session-id") else {
            return await fail(JSONRPCFailure(.invalidRequest, "Mcp-Session-Id is required for the server's stream."), status: 400, outcome: .invalidRequest)
        }
        let looked: MCPSessions.Session?
        do { looked = try await findSession(sessionID) } catch {
            return await fail(JSONRPCFailure(.controlUnavailable, "MCP sessions cannot be read right now.", reason: "control_unavailable"), status: 503, outcome: .controlUnavailable)
        }
        guard let found = looked, let server else {
            return await fail(JSONRPCFailure(.invalidRequest, "Session not found.", reason: "session_not_found"), status: 404, outcome: .invalidRequest)
        }
        session = found
        revision = found.revision
        trail.mcp?.session = MCPSessions.digest(found.id)
        trail.mcp?.protocolVersion = found.revision.rawValue
        if let refusal = await authorizeUpstream(id: nil) { return refusal }
        if let refusal = await begin([], id: nil) { return refusal }
        let reply: MCPUpstream.Reply
        do { reply = try await server.upstream.stream(headers: upstreamHeaders(method: nil, params: nil), limit: gateway.maxMessageBytes) } catch {
            return await upstreamFailure(error, id: nil)
        }
        switch reply {
        case .events(let body, _):
            let snapshot = self
            return PipelineAnswer(
                status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")],
                body: .stream { emit in
                    var exchange = snapshot
                    await exchange.relayEvents(body, expecting: nil, method: nil, emit: emit)
                })
        case .failed(let status, _) where status == 405:
            await conclude(status: 405, outcome: .allowed)
            return PipelineAnswer(status: 405, headers: [("allow", "POST, DELETE")], body: .bytes([]))
        case .accepted, .json, .failed:
            return await fail(JSONRPCFailure(.upstream, "The MCP server opened no stream.", reason: "upstream_error"), status: 502, outcome: .upstreamError)
        }
    }

    /// `DELETE`: ends the caller's session here and at the server.
    mutating func terminate() async -> PipelineAnswer {
        trail.mcp?.method = "terminate"
        if let refusal = await admitCaller() { return refusal }
        let sessionID = incoming.header("mcp-session-id")
        let looked: MCPSessions.Session?
        do {
            looked = try await findSession(sessionID)
        } catch {
            return await fail(JSONRPCFailure(.controlUnavailable, "MCP sessions cannot be read right now.", reason: "control_unavailable"), status: 503, outcome: .controlUnavailable)
        }
        guard let found = looked, let server else {
            return await fail(JSONRPCFailure(.invalidRequest, "Session not found.", reason: "session_not_found"), status: 404, outcome: .invalidRequest)
        }
        session = found
        revision = found.revision
        trail.mcp?.session = MCPSessions.digest(found.id)
        await gateway.sessions.close(found.id)
        // Without the server's credential for this caller the server's session is left to expire there.
        if found.upstreamID != nil, await exchangeToken() == nil {
            _ = try? await server.upstream.terminate(headers: upstreamHeaders(method: nil, params: nil))
        }
        await conclude(status: 204, outcome: .allowed)
        return PipelineAnswer(status: 204, headers: [], body: .bytes([]))
    }
}
