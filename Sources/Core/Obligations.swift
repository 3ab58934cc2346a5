/// How an allowed request must be served, from the annotations of the determining permit policies.
/// Combining several is always "most restrictive wins" (see `merged(with:)`).
public struct Obligations: Sendable, Hashable, Codable {
    /// Guardrail profile (`standard`, `strict`...). Stricter profiles win.
    public var guardrailProfile: GuardrailProfileName?
    /// Cap on generated tokens; the smallest cap wins.
    public var maxTokens: Int?
    /// Categories (prefixes such as `pii`, `pii.email`, `secret`) to redact before forwarding; union.
    public var redact: Set<String>
    /// Categories to pseudonymise (reversible within the request); union.
    public var pseudonymise: Set<String>
    /// Tools the model may be offered; nil = no restriction; intersection when several apply.
    public var allowedTools: Set<String>?
    /// Cache scope the policy permits: `principal` (default), `tenant`, `global`; narrowest wins.
    public var cacheScope: CacheScope?
    /// Extra per-principal request rate the policy imposes (requests per minute), on top of the
    /// configured rate limits; the smallest wins.
    public var requestsPerMinute: Int?
    /// Extra per-principal token rate the policy imposes (tokens per minute); the smallest wins.
    public var tokensPerMinute: Int?
    /// MCP: a call budget per principal and tool (or prompt / resource) per UTC day; the smallest wins. For MCP
    /// calls `requestsPerMinute` is also counted per principal and tool.
    public var callsPerDay: Int?
    /// MCP: the argument names a call may carry (top-level members of `arguments`); nil = no restriction;
    /// intersection when several apply. A call with another argument is refused.
    public var allowedArguments: Set<String>?

    public init(
        guardrailProfile: GuardrailProfileName? = nil, maxTokens: Int? = nil, redact: Set<String> = [],
        pseudonymise: Set<String> = [], allowedTools: Set<String>? = nil, cacheScope: CacheScope? = nil,
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, callsPerDay: Int? = nil, allowedArguments: Set<String>? = nil
    ) {
        self.callsPerDay = callsPerDay
        self.allowedArguments = allowedArguments
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

    public func merged(with other: Obligations) -> Obligations {
        let profile = (guardrailProfile?.restrictiveness ?? -1) >= (other.guardrailProfile?.restrictiveness ?? -1) ? guardrailProfile : other.guardrailProfile
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
        let arguments: Set<String>? = switch (allowedArguments, other.allowedArguments) {
        case let (a?, b?): a.intersection(b)
        case let (a, b): a ?? b
        }
        let scope: CacheScope? = switch (cacheScope, other.cacheScope) {
        case let (a?, b?): min(a, b)
        case let (a, b): a ?? b
        }
        return Obligations(
            guardrailProfile: profile, maxTokens: cap, redact: redact.union(other.redact),
            pseudonymise: pseudonymise.union(other.pseudonymise), allowedTools: tools, cacheScope: scope,
            requestsPerMinute: smallest(requestsPerMinute, other.requestsPerMinute),
            tokensPerMinute: smallest(tokensPerMinute, other.tokensPerMinute), callsPerDay: smallest(callsPerDay, other.callsPerDay),
            allowedArguments: arguments)
    }
}
