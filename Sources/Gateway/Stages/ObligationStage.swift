import Core

/// Step 6: rewrites the request to honour the decision's obligations and the admission: the output
/// token cap is always written (so the budget reservation holds), disallowed tools are removed,
/// and the guardrail actions (redact, pseudonymise, block) run through `enforce`.
struct ObligationStage: ObligationApplying {
    /// Guardrail enforcement: returns the rewritten request and response-side state, or throws a block.
    let enforce: @Sendable (AIRequest, [Finding], Obligations) throws(GatewayError) -> (AIRequest, (any Sendable)?)

    func apply(_ request: AIRequest, findings: [Finding], decision: Decision, admission: Admission) throws(GatewayError) -> PreparedRequest {
        var (r, state) = try enforce(request, findings, decision.obligations)
        if let cap = admission.effectiveMaxTokens {
            r.maxTokens = cap
            switch r.operation {
            case .chatCompletions:
                // Every cap field the caller sent is capped (a provider may honour either); none sent: max_tokens.
                let sent = ["max_completion_tokens", "max_tokens"].filter { r.body[$0] != nil }
                for field in sent.isEmpty ? ["max_tokens"] : sent { r.body[field] = .integer(cap) }
            case .responses:
                r.body["max_output_tokens"] = .integer(cap)
            default:
                break
            }
        }
        if let allowed = decision.obligations.allowedTools {
            Self.restrictTools(&r, to: allowed)
        }
        return PreparedRequest(request: r, obligations: decision.obligations, responseState: state)
    }

    static func restrictTools(_ r: inout AIRequest, to allowed: Set<String>) {
        guard case .array(let tools)? = r.body["tools"] else { return }
        let kept = tools.filter { tool in
            let name = tool["function"]?["name"]?.stringValue ?? tool["name"]?.stringValue ?? tool["type"]?.stringValue ?? ""
            return allowed.contains(name)
        }
        r.tools = r.tools.filter(allowed.contains)
        if kept.isEmpty {
            r.body["tools"] = nil
            r.body["tool_choice"] = nil
            r.body["parallel_tool_calls"] = nil
        } else {
            r.body["tools"] = .array(kept)
            let forced = r.body["tool_choice"]?["function"]?["name"]?.stringValue ?? r.body["tool_choice"]?["name"]?.stringValue
            if let forced, !allowed.contains(forced) { r.body["tool_choice"] = "auto" }
        }
    }
}
