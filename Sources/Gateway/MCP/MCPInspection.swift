import Core
import Guardrails
import MCP
import Synchronization

/// The guardrails of MCP traffic, with the profile and actions of the deciding policies:
/// - what the client sends the server (tool and prompt arguments, `_meta`, answers to the server's requests) is
///   request text: found secrets and personal data are redacted, pseudonymised or blocked before the server
///   sees them;
/// - what the server sends back (results, prompts, resources, notifications, its requests to the client) is
///   answer text, redacted or blocked with the answer-side actions, and is also read for indirect injection as
///   a tool message, since it becomes a model's input: those findings take the request-side action (under the
///   `strict` profile an injected result is blocked; a partial removal of an injection is not attempted, so
///   `redact` blocks as well);
/// - tool definitions are read for injected instructions and exfiltration hints when listed (tool poisoning).
final class MCPInspection: Sendable {
    let engine: GuardrailEngine
    /// Poisoning findings by definition hash: a definition is scanned once.
    private let definitionFindings = Mutex<[String: [Finding]]>([:])

    init(engine: GuardrailEngine) {
        self.engine = engine
    }

    enum Verdict: Sendable {
        case forward(JSONValue, findings: [Finding])
        case block(category: String, findings: [Finding])
        case unavailable
    }

    /// Finds request-side text in `value` (the message's `params`, or a client's `result`).
    func requestFindings(_ value: JSONValue) -> (AIRequest, [Finding]) {
        let leaves = InspectedText.leaves(of: value, at: .root)
        let request = AIRequest(
            operation: .toolsCall, model: "", messages: leaves.map { AIMessage(role: .user, text: $0.text, location: $0.location) }, body: value)
        return (request, engine.inspect(request))
    }

    /// Applies the request-side actions to what `requestFindings` found.
    func enforceRequest(_ request: AIRequest, findings: [Finding], obligations: Obligations, vault: inout PseudonymVault) -> Verdict {
        switch engine.enforce(request, findings: findings, obligations: obligations) {
        case .forward(let rewritten, let used):
            vault = used
            return .forward(rewritten.body, findings: findings)
        case .block(let category, _): return .block(category: category, findings: findings)
        case .unavailable: return .unavailable
        }
    }

    /// Inspects and rewrites server-sent `value` (a result, a notification's or a server request's params).
    func inspectAnswer(_ value: JSONValue, obligations: Obligations, vault: PseudonymVault) -> Verdict {
        var rewritten = value
        var findings: [Finding] = []
        for leaf in InspectedText.leaves(of: value, at: .root) {
            var filter = engine.makeAnswerFilter(obligations: obligations, vault: vault)
            let first = filter.feed(leaf.text)
            let last = filter.finish()
            findings += first.findings + last.findings
            if first.unavailable || last.unavailable { return .unavailable }
            if let blocked = first.blocked ?? last.blocked { return .block(category: blocked.category, findings: findings) }
            let text = first.text + last.text
            if text != leaf.text {
                guard rewritten.replace(at: leaf.location, with: .string(text)) else { return .unavailable }
            }
            for var finding in engine.detectIntent(leaf.text, role: .tool) {
                finding.direction = .response
                findings.append(finding)
                if engine.action(for: finding.category, direction: .request, obligations: obligations) >= .redact {
                    return .block(category: finding.category, findings: findings)
                }
            }
        }
        return .forward(rewritten, findings: findings)
    }

    /// Injected instructions or exfiltration hints in a tool definition (description, schema texts).
    func poisoning(_ tool: ToolDefinition) -> [Finding] {
        if let known = definitionFindings.withLock({ $0[tool.hash] }) { return known }
        let text = tool.texts.joined(separator: "\n")
        let found = engine.scan(text, direction: .request, role: .tool).filter {
            $0.category == "injection" || $0.category == "jailbreak" || $0.category.hasPrefix("exfiltration")
        }
        definitionFindings.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[tool.hash] = found
        }
        return found
    }
}
