import Core
import Guardrails

/// Steps 3, 6 (guardrail part) and 8 over the `Guardrails` module: one scan of all request text,
/// the obligation-selected actions (redact, pseudonymise, block), and per-slot answer filters.
struct GuardrailStage: RequestInspecting, AnswerInspecting {
    let engine: GuardrailEngine
    /// The organisation's own moderation / Llama-Guard-style endpoint, when configured.
    let judge: ExternalJudge?

    func inspect(_ request: AIRequest) async throws(GatewayError) -> [Finding] {
        var findings = engine.inspect(request)
        guard let judge else { return findings }
        let text = request.messages.filter { $0.role == .user || $0.role == .input || $0.role == .tool }.map(\.text).joined(separator: "\n")
        guard !text.isEmpty else { return findings }
        let verdict = await judge.evaluate(text, direction: .request)
        if verdict.failure != nil, judge.configuration.fail == .closed {
            throw .controlUnavailable(control: "external judge")
        }
        findings += verdict.findings
        return findings
    }

    func enforce(_ request: AIRequest, findings: [Finding], obligations: Obligations) throws(GatewayError) -> (AIRequest, PseudonymVault) {
        switch engine.enforce(request, findings: findings, obligations: obligations) {
        case .forward(let rewritten, let vault):
            return (rewritten, vault)
        case .block(let category, _):
            throw .guardrailBlocked(category: category)
        case .unavailable:
            throw .controlUnavailable(control: "data guardrails")
        }
    }

    /// One filter per text slot of the answer, all sharing the request's vault (placeholder numbers
    /// continue across choices and items; pseudonyms are restored in each).
    func makeFilter(for request: PreparedRequest) -> any AnswerTextFilter {
        GuardrailAnswerFilter(filter: engine.makeAnswerFilter(obligations: request.obligations, vault: request.vault))
    }
}

/// Adapts the guardrails' stateful response filter to the pipeline's filter protocol.
struct GuardrailAnswerFilter: AnswerTextFilter {
    var filter: AnswerFilter

    mutating func feed(_ text: String) -> FilterOutput { Self.adapt(filter.feed(text)) }

    mutating func finish() -> FilterOutput { Self.adapt(filter.finish()) }

    private static func adapt(_ out: Guardrails.FilterOutput) -> FilterOutput {
        FilterOutput(text: out.text, findings: out.findings, blocked: out.blocked, unavailable: out.unavailable ? "response guardrails" : nil)
    }
}
