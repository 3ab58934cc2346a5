import Audit
import Core
import Guardrails
import Limits
import MCP

/// The methods: lifecycle ones relayed, governed ones decided (per server for lists, per tool, resource or
/// prompt for the others), inspected and limited before they are forwarded.
extension MCPExchange {
    mutating func request(_ method: ClientMethod, id: JSONValue) async -> PipelineAnswer {
        guard let message else { return await fail(JSONRPCFailure(.internalError, "No message."), id: id, outcome: .invalidRequest) }
        let params = message.params ?? .object([:])
        switch method.handling {
        case .lifecycle:
            if method == .initialize { return await initialize(id: id, params: params) }
            return await forwardInspected(message.body, id: id, method: method)
        case .governed(let operation):
            trail.operation = operation
            switch method {
            case .toolsList, .resourcesList, .resourcesTemplatesList, .promptsList:
                guard await permitted(operation, MCPTarget(kind: .server, server: serverName), findings: [], id: id) else { return await refusedByPolicy(id: id) }
                return await forwardInspected(message.body, id: id, method: method)
            case .toolsCall:
                return await callTool(id: id, params: params)
            case .promptsGet:
                let name = params["name"]?.stringValue ?? ""
                return await governedCall(operation, target: MCPTarget(kind: .prompt, server: serverName, name: name, arguments: params["arguments"] ?? .object([:])), id: id, params: params, schema: nil)
            case .resourcesRead:
                let uri = params["uri"]?.stringValue ?? ""
                return await governedCall(operation, target: MCPTarget(kind: .resource, server: serverName, name: uri), id: id, params: params, schema: nil)
            case .initialize, .ping, .serverDiscover, .loggingSetLevel:
                return await forwardInspected(message.body, id: id, method: method)
            }
        }
    }

    /// What the client sends that is not a call's arguments — `params` of lifecycle and list requests and of
    /// notifications (a cancellation's reason, a progress message), a client's `result` answering the server —
    /// is request text too: inspected, rewritten or refused with the obligations in force.
    enum InspectedMember {
        case forward(JSONValue)
        case refuse(JSONRPCFailure, RequestTrail.Outcome)
    }

    mutating func inspected(_ member: String, of body: JSONValue) -> InspectedMember {
        guard let value = body[member] else { return .forward(body) }
        let (request, findings) = gateway.inspection.requestFindings(value)
        trail.requestFindings += findings
        switch gateway.inspection.enforceRequest(request, findings: findings, obligations: obligations, vault: &vault) {
        case .forward(let rewritten, _):
            var out = body
            out[member] = rewritten
            return .forward(out)
        case .block(let category, _):
            return .refuse(JSONRPCFailure(.guardrailBlocked, "Blocked by a guardrail (\(category)).", reason: "guardrail_blocked", data: ["category": .string(category)]), .blockedGuardrail)
        case .unavailable:
            return .refuse(JSONRPCFailure(.controlUnavailable, "The guardrails cannot run.", reason: "control_unavailable"), .controlUnavailable)
        }
    }

    mutating func forwardInspected(_ body: JSONValue, id: JSONValue, method: ClientMethod) async -> PipelineAnswer {
        switch inspected("params", of: body) {
        case .forward(let checked): return await forward(checked, id: id, method: method)
        case .refuse(let failure, let outcome): return await fail(failure, id: id, outcome: outcome)
        }
    }

    /// `tools/call`: the tool's definition as the server has it now must be the pinned one (a definition
    /// changed since it was listed is a rug pull), and free of injected instructions; then the call is
    /// decided, limited and inspected like any governed call.
    mutating func callTool(id: JSONValue, params: JSONValue) async -> PipelineAnswer {
        guard let server else { return await fail(JSONRPCFailure(.internalError, "No server."), id: id, outcome: .invalidRequest) }
        let name = params["name"]?.stringValue ?? ""
        trail.mcp?.name = name
        // The catalogue asks the server itself, with the call's credential.
        if let refusal = await authorizeUpstream(id: id) { return refusal }
        let current: ToolDefinition?
        do { current = try await MCPToolCatalogue(exchange: self).currentDefinition(of: name) } catch {
            return await fail(error, id: id, outcome: .upstreamError)
        }
        guard let tool = current else {
            return await fail(JSONRPCFailure(.invalidParams, "Unknown tool '\(name)'.", reason: "unknown_tool"), id: id, outcome: .invalidRequest)
        }
        let verdict: PinVerdict
        do { verdict = try await server.pins.verdict(for: tool) } catch {
            return await fail(JSONRPCFailure(.controlUnavailable, "Tool pins cannot be read.", reason: "control_unavailable"), id: id, outcome: .controlUnavailable)
        }
        switch verdict {
        case .pinned: break
        case .changed(let pinned):
            trail.mcp?.integrity = [AuditMCPCall.IntegrityEvent(tool: name, event: "changed", pinnedSHA256: pinned, seenSHA256: tool.hash)]
            return await fail(
                JSONRPCFailure(.toolIntegrity, "The definition of '\(name)' changed since it was approved; it needs re-approval.", reason: "tool_definition_changed"),
                id: id, outcome: .refusedIntegrity)
        case .unapproved:
            trail.mcp?.integrity = [AuditMCPCall.IntegrityEvent(tool: name, event: "unapproved", seenSHA256: tool.hash)]
            return await fail(
                JSONRPCFailure(.toolIntegrity, "'\(name)' is not approved for use through the gateway.", reason: "tool_not_approved"), id: id, outcome: .refusedIntegrity)
        }
        let poisoning = gateway.inspection.poisoning(tool)
        if !poisoning.isEmpty, server.configuration.definitionFindings == .hide {
            trail.mcp?.integrity = [AuditMCPCall.IntegrityEvent(tool: name, event: "poisoned", pinnedSHA256: tool.hash, seenSHA256: tool.hash)]
            trail.requestFindings = poisoning
            return await fail(
                JSONRPCFailure(.toolIntegrity, "The definition of '\(name)' carries instructions for the model; it is withheld.", reason: "tool_definition_poisoned"),
                id: id, outcome: .refusedIntegrity)
        }
        trail.mcp?.definitionSHA256 = tool.hash
        let target = MCPTarget(
            kind: .tool, server: serverName, name: name, definitionHash: tool.hash, annotations: tool.annotations,
            arguments: params["arguments"] ?? .object([:]))
        return await governedCall(.toolsCall, target: target, id: id, params: params, schema: tool.definition["inputSchema"])
    }

    /// Inspect the arguments, decide, limit, enforce, forward.
    mutating func governedCall(_ operation: Operation, target: MCPTarget, id: JSONValue, params: JSONValue, schema: JSONValue?) async -> PipelineAnswer {
        guard let message else { return await fail(JSONRPCFailure(.internalError, "No message."), id: id, outcome: .invalidRequest) }
        trail.mcp?.name = target.name
        if let state = params["requestState"]?.stringValue {
            guard let principal, gateway.requestStates.belongs(requestStateKey(state), to: principal) else {
                return await fail(JSONRPCFailure(.invalidParams, "'requestState' is not one this gateway relayed to you.", reason: "unknown_request_state"), id: id, outcome: .invalidRequest)
            }
        }
        // The name is what the call acts on, not text: it is decided, never rewritten.
        var inspected = params
        _ = inspected.remove(at: JSONLocation([.key("name")]))
        _ = inspected.remove(at: JSONLocation([.key("uri")]))
        let (request, findings) = gateway.inspection.requestFindings(inspected)
        trail.requestFindings += findings
        guard await permitted(operation, target, findings: findings, id: id) else { return await refusedByPolicy(id: id) }
        if let allowed = obligations.allowedArguments,
            let extra = params["arguments"]?.objectValue?.keys.sorted().first(where: { !allowed.contains($0) })
        {
            // A name, never a value, goes into the error and the record.
            return await fail(
                JSONRPCFailure(.forbidden, "The argument '\(extra)' is not permitted for this call.", reason: "argument_not_permitted", data: ["argument": .string(extra)]),
                id: id, outcome: .refusedPolicy)
        }
        if let (refusal, outcome) = await limited(target) { return await fail(refusal, id: id, outcome: outcome) }
        var forwardedParams: JSONValue
        switch gateway.inspection.enforceRequest(request, findings: findings, obligations: obligations, vault: &vault) {
        case .forward(let rewritten, _): forwardedParams = rewritten
        case .block(let category, _):
            return await fail(JSONRPCFailure(.guardrailBlocked, "Blocked by a guardrail (\(category)).", reason: "guardrail_blocked", data: ["category": .string(category)]), id: id, outcome: .blockedGuardrail)
        case .unavailable:
            return await fail(JSONRPCFailure(.controlUnavailable, "The guardrails cannot run.", reason: "control_unavailable"), id: id, outcome: .controlUnavailable)
        }
        for key in ["name", "uri"] where params[key] != nil { forwardedParams[key] = params[key] }
        if let arguments = forwardedParams["arguments"] { trail.mcp?.argumentsSHA256 = MCPGateway.sha256(arguments) }
        var body = message.body
        body["params"] = forwardedParams
        let paramHeaders = revision?.isStateless == true ? ParameterHeaders.headers(schema: schema, arguments: forwardedParams["arguments"]) : []
        return await forward(body, id: id, method: ClientMethod(rawValue: operation.rawValue) ?? .toolsCall, extraHeaders: paramHeaders)
    }

    /// The ledger key of a stateless `requestState`: per server, by digest.
    func requestStateKey(_ state: String) -> String {
        "mcp\u{0}\(serverName)\u{0}" + MCPGateway.sha256(.string(state))
    }

    /// Decides `operation` on `target`; keeps the decision and its obligations.
    mutating func permitted(_ operation: Operation, _ target: MCPTarget, findings: [Finding], id: JSONValue) async -> Bool {
        guard let principal else { return false }
        let decision = await pipeline.decide.decide(PolicyQuery(
            principal: principal, operation: operation, model: nil, sourceIP: incoming.context.clientIP, time: incoming.context.receivedAt,
            findings: findings, api: "mcp", mcp: target))
        trail.decision = decision
        obligations = decision.obligations
        return decision.isAllowed
    }

    mutating func refusedByPolicy(id: JSONValue) async -> PipelineAnswer {
        var data: [String: JSONValue] = [:]
        if !pipeline.hidePolicyIDs, let policies = trail.decision?.determiningPolicies, !policies.isEmpty {
            data["policies"] = .array(policies.map(JSONValue.string))
        }
        return await fail(JSONRPCFailure(.forbidden, "Refused by policy.", reason: "forbidden", data: data), id: id, outcome: .refusedPolicy)
    }

    /// The per-tool rate and call budget of the deciding policies, per principal and tool (shared by the
    /// replicas when the limits are).
    func limited(_ target: MCPTarget) async -> (JSONRPCFailure, RequestTrail.Outcome)? {
        guard let principal else { return nil }
        let tool = ToolCallLimits.Tool(server: serverName, kind: target.kind.rawValue, name: target.name)
        switch await gateway.limits.take(principal, tool, perMinute: obligations.requestsPerMinute, perDay: obligations.callsPerDay) {
        case nil: return nil
        case .rate(let after)?:
            return (JSONRPCFailure(.limited, "Too many calls of '\(target.name)'; retry in \(after) s.", reason: "rate_limited", data: ["retry_after": .integer(after)]), .refusedLimit)
        case .budget(let after)?:
            return (JSONRPCFailure(.limited, "The day's calls of '\(target.name)' are used up.", reason: "budget_exhausted", data: ["retry_after": .integer(after)]), .refusedLimit)
        case .unavailable?:
            return (JSONRPCFailure(.controlUnavailable, "The limits of '\(target.name)' cannot be checked; nothing was forwarded.", reason: "control_unavailable"), .controlUnavailable)
        }
    }
}
