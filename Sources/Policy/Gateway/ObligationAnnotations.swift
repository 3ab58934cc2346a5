import Core

/// Reads obligations from policy annotations (`@guardrails("strict")`, `@max_tokens("1024")`,
/// `@redact("pii,secret")`, `@pseudonymise("pii.email")`, `@tools("search,calc")`,
/// `@cache_scope("tenant")`). Done once per policy at load; invalid values are load errors.
enum ObligationAnnotations {
    static let keys: Set<String> = ["guardrails", "max_tokens", "redact", "pseudonymise", "tools", "cache_scope"]

    static func obligations(of policy: Policy) throws(PolicyEngineError) -> Obligations? {
        let a = policy.annotations
        guard a.keys.contains(where: keys.contains) else { return nil }
        func fail(_ key: String, _ expected: String) -> PolicyEngineError {
            PolicyEngineError("policy `\(policy.id)` (line \(policy.location.line)): @\(key) must be \(expected)")
        }
        func list(_ key: String) -> Set<String>? {
            guard let v = a[key] else { return nil }
            return Set(v.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty })
        }
        var o = Obligations()
        if let g = a["guardrails"] {
            guard Obligations.profileOrder.contains(g) else {
                throw fail("guardrails", "one of \(Obligations.profileOrder.joined(separator: ", "))")
            }
            o.guardrailProfile = g
        }
        if let m = a["max_tokens"] {
            guard let n = Int(m.trimmingSpaces()), n > 0 else { throw fail("max_tokens", "a positive integer") }
            o.maxTokens = n
        }
        o.redact = list("redact") ?? []
        o.pseudonymise = list("pseudonymise") ?? []
        o.allowedTools = list("tools")
        if let c = a["cache_scope"] {
            guard ["principal", "tenant", "global"].contains(c) else {
                throw fail("cache_scope", "one of principal, tenant, global")
            }
            o.cacheScope = c
        }
        return o
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}

/// A policy set that cannot serve the gateway (bad obligation annotation, entities file, ...).
public struct PolicyEngineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
