import Core
import Guardrails

/// Step 6: rewrites the request to honour the decision's obligations and the admission — the guardrail
/// actions (redact, pseudonymise, block) through `enforce`, the output token cap (always written, so the
/// budget reservation holds), tools `@tools` does not allow removed — and refuses what the obligations do
/// not allow: a tool the provider runs that no determining policy names, and token logprobs under a profile
/// that rewrites answers (the tokens would spell what the answer redacts).
struct ObligationStage: ObligationApplying {
    /// Guardrail enforcement: the rewritten request and its pseudonym vault, or a block.
    let enforce: @Sendable (AIRequest, [Finding], Obligations) throws(GatewayError) -> (AIRequest, PseudonymVault)
    /// Whether the answer guardrails may rewrite or stop answers under these obligations.
    let rewritesAnswers: @Sendable (Obligations) -> Bool

    func apply(_ request: AIRequest, findings: [Finding], decision: Decision, admission: Admission) throws(GatewayError) -> PreparedRequest {
        let obligations = decision.obligations
        for tool in request.tools where tool.execution == .provider && obligations.allowedTools?.contains(tool.name) != true {
            throw .toolNotPermitted(tool.name)
        }
        let rewrites = rewritesAnswers(obligations)
        if request.asksForLogprobs, rewrites {
            throw .invalidRequest(
                message: "Token logprobs are not served under this request's guardrail profile: it rewrites or blocks answers, and logprob tokens would carry the original text. Remove 'logprobs' / 'top_logprobs'.",
                param: request.operation == .responses ? "include" : "logprobs")
        }
        var (r, vault) = try enforce(request, findings, obligations)
        guard let dialect = Dialects.dialect(for: r.operation) else { throw .internalError }
        if let cap = admission.effectiveMaxTokens {
            r.maxTokens = cap
            dialect.capOutput(&r.body, at: cap)
        }
        if let allowed = obligations.allowedTools {
            let removed = r.tools.filter { !allowed.contains($0.name) }
            if !removed.isEmpty {
                r.remove(tools: removed)
                dialect.toolsRemoved(removed, kept: r.tools, from: &r.body)
            }
        }
        return PreparedRequest(request: r, obligations: obligations, vault: vault, mirrorsServed: !rewrites)
    }
}
