/// How an allowed request must be served, from the annotations of the determining permit policies.
/// Combining several is always "most restrictive wins" (see `merged(with:)`).
public struct Obligations: Sendable, Hashable, Codable {
    /// Guardrail profile name (`standard`, `strict`...). Stricter profiles win.
    public var guardrailProfile: String?
    /// Cap on generated tokens; the smallest cap wins.
    public var maxTokens: Int?
    /// Categories (prefixes such as `pii`, `pii.email`, `secret`) to redact before forwarding; union.
    public var redact: Set<String>
    /// Categories to pseudonymise (reversible within the request); union.
    public var pseudonymise: Set<String>
    /// Tools the model may be offered; nil = no restriction; intersection when several apply.
    public var allowedTools: Set<String>?
    /// Cache scope the policy permits: `principal` (default), `tenant`, `global`; narrowest wins.
    public var cacheScope: String?
    /// Extra per-principal request rate the policy imposes (requests per minute), on top of the
    /// configured rate limits; the smallest wins.
    public var requestsPerMinute: Int?
    /// Extra per-principal token rate the policy imposes (tokens per minute); the smallest wins.
    public var tokensPerMinute: Int?

    public init(
        guardrailProfile: String? = nil, maxTokens: Int? = nil, redact: Set<String> = [],
        pseudonymise: Set<String> = [], allowedTools: Set<String>? = nil, cacheScope: String? = nil,
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil
    ) {
        self.guardrailProfile = guardrailProfile
        self.maxTokens = maxTokens
        self.redact = redact
        self.pseudonymise = pseudonymise
        self.allowedTools = allowedTools
        self.cacheScope = cacheScope
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    public static let none = Obligations()

    /// Profiles ordered from least to most restrictive; unknown names rank as `standard`.
    public static let profileOrder = ["off", "permissive", "standard", "strict"]

    public func merged(with other: Obligations) -> Obligations {
        func rank(_ p: String?) -> Int {
            guard let p else { return -1 }
            return Self.profileOrder.firstIndex(of: p) ?? 2
        }
        let profile = rank(guardrailProfile) >= rank(other.guardrailProfile) ? guardrailProfile : other.guardrailProfile
        func smallest(_ a: Int?, _ b: Int?) -> Int? {
            switch (a, b) {
            case let (a?, b?): min(a, b)
            case let (a, b): a ?? b
            }
        }
        let cap = smallest(maxTokens, other.maxTokens)
        let tools: Set<String>? = switch (allowedTools, other.allowedTools) {
        case let (a?, b?): a.intersection(b)
        case let (a, b): a ?? b
        }
        let scopes = ["principal", "tenant", "global"]
        let scope: String? = switch (cacheScope, other.cacheScope) {
        case let (a?, b?): (scopes.firstIndex(of: a) ?? 0) <= (scopes.firstIndex(of: b) ?? 0) ? a : b
        case let (a, b): a ?? b
        }
        return Obligations(
            guardrailProfile: profile, maxTokens: cap, redact: redact.union(other.redact),
            pseudonymise: pseudonymise.union(other.pseudonymise), allowedTools: tools, cacheScope: scope,
            requestsPerMinute: smallest(requestsPerMinute, other.requestsPerMinute),
            tokensPerMinute: smallest(tokensPerMinute, other.tokensPerMinute))
    }
}
