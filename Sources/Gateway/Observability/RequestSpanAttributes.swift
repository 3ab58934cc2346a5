import Core
import MCP
import Tracing

/// What a request span says of its request, read from its trail when the request ends: the name and attributes
/// of the GenAI semantic conventions, and the gateway's own (`portcullis.*`).
///
/// Facts only, never content: no prompt or answer text, no tool arguments or results, no detected value, no
/// token or key, no principal. Strings the caller chose appear only once the gateway has matched them against
/// its configuration — a model name once routed, a tool name once pinned, an MCP method the gateway knows.
struct RequestSpanAttributes {
    /// `{gen_ai.operation.name} {gen_ai.request.model}` (`chat gpt-4o`), `execute_tool {tool}` for an MCP tool
    /// call, else the operation or MCP method alone.
    let name: String
    let attributes: SpanAttributes
    /// The request failed on the gateway's side or its upstream's (a 5xx, or a stream that broke off after its
    /// 200); refusals (401, 403, 429, 4xx) are outcomes, not errors.
    let failed: Bool

    init(_ trail: RequestTrail, providerKind: String?, hidePolicyIDs: Bool) {
        var a = SpanAttributes()
        let operation = trail.operation.map(GenAINames.operation)
        if let operation { a["gen_ai.operation.name"] = operation }
        // Only a model the gateway routed: a name the caller made up stays out of traces.
        let model = trail.model != nil ? trail.modelRequested : nil
        if let model { a["gen_ai.request.model"] = model }
        if let providerKind { a["gen_ai.provider.name"] = providerKind }
        if let usage = trail.usage {
            if let served = trail.modelServed { a["gen_ai.response.model"] = served }
            a["gen_ai.usage.input_tokens"] = usage.inputTokens
            a["gen_ai.usage.output_tokens"] = usage.outputTokens
        }
        if let maxTokens = trail.receivedRequest?.maxTokens { a["gen_ai.request.max_tokens"] = maxTokens }
        if trail.receivedRequest != nil { a["gen_ai.request.stream"] = trail.streamed }
        a["http.response.status_code"] = trail.status
        if let decision = trail.decision {
            a["portcullis.decision"] = decision.isAllowed ? "allow" : "deny"
            if !hidePolicyIDs { a.set("portcullis.policies", value: .stringArray(decision.determiningPolicies)) }
        }
        a["portcullis.outcome"] = trail.outcome.rawValue
        let categories = Set((trail.requestFindings + trail.answerFindings).map(\.category)).sorted()
        if !categories.isEmpty { a.set("portcullis.finding_categories", value: .stringArray(categories)) }
        a["portcullis.trail_id"] = trail.trailID
        a["portcullis.cache_hit"] = trail.cacheHit
        let outcome = trail.outcome
        if outcome != .allowed, outcome != .cacheHit { a["error.type"] = outcome.rawValue }
        failed = trail.status >= 500 || (trail.status < 400 && ![.allowed, .cacheHit, .clientDisconnect].contains(outcome))

        var name = operation.map { op in model.map { "\(op) \($0)" } ?? op } ?? "request"
        if let mcp = trail.mcp {
            a["portcullis.mcp.server"] = mcp.server
            let method = Self.knownMethod(mcp.method)
            if let method { a["mcp.method.name"] = method }
            // A tool's name once its definition matched its pin: a tool the gateway knows.
            if trail.operation == .toolsCall, mcp.definitionSHA256 != nil, let tool = mcp.name {
                a["gen_ai.tool.name"] = tool
                name = "execute_tool \(tool)"
            } else {
                name = method ?? "mcp"
            }
        }
        self.name = name
        attributes = a
    }

    /// An MCP method (or the gateway's word for a GET stream or DELETE) the gateway knows; nil for anything else.
    static func knownMethod(_ method: String) -> String? {
        if ClientMethod(rawValue: method) != nil || ClientNotification(rawValue: method) != nil { return method }
        return ["post", "stream", "terminate", "notification", "response"].contains(method) ? method : nil
    }
}
