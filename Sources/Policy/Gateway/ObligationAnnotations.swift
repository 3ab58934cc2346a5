import Core

/// Reads obligations from policy annotations (`@guardrails("strict")`, `@max_tokens("1024")`,
/// `@redact("pii,secret")`, `@pseudonymise("pii.email")`, `@tools("search,calc")`,
/// `@cache_scope("tenant")`, `@requests_per_minute("10")`, `@tokens_per_minute("20000")`, and for MCP calls
/// `@calls_per_day("100")` and `@arguments("query,limit")`, the argument names a call may carry). Done once per
/// policy at load; invalid values are load errors.
enum ObligationAnnotations {
    static let keys: Set<String> = [
        "guardrails", "max_tokens", "redact", "pseudonymise", "tools", "cache_scope", "requests_per_minute", "tokens_per_minute",
        "calls_per_day", "arguments",
    ]

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
            guard let profile = GuardrailProfileName.builtIn.first(where: { $0.name == g }) else {
                throw fail("guardrails", "one of \(GuardrailProfileName.builtIn.map(\.name).joined(separator: ", "))")
            }
            o.guardrailProfile = profile
        }
        func positive(_ key: String) throws(PolicyEngineError) -> Int? {
            guard let v = a[key] else { return nil }
            guard let n = Int(v.trimmingSpaces()), n > 0 else { throw fail(key, "a positive integer") }
            return n
        }
        o.maxTokens = try positive("max_tokens")
        o.requestsPerMinute = try positive("requests_per_minute")
        o.tokensPerMinute = try positive("tokens_per_minute")
        o.callsPerDay = try positive("calls_per_day")
        o.redact = list("redact") ?? []
        o.pseudonymise = list("pseudonymise") ?? []
        o.allowedTools = list("tools")
        o.allowedArguments = list("arguments")
        if let c = a["cache_scope"] {
            guard let scope = CacheScope(rawValue: c) else {
                throw fail("cache_scope", "one of principal, tenant, global")
            }
            o.cacheScope = scope
        }
        return o
    }
}

/// A policy set that cannot serve the gateway (bad obligation annotation, entities file, ...).
public struct PolicyEngineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
