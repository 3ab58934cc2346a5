import Core

/// One configured rate limit: requests and/or tokens per minute for the callers a scope and match select.
///
/// ```yaml
/// - scope: group          # principal | group | tenant | model | principal_model | actor | principal_actor
///   match: "ml-team"      # a name, or "*" for "each one separately"
///   issuer: https://login.example/v2.0   # optional (principal, group, tenant): only that issuer's names
///   requests_per_minute: 120
///   tokens_per_minute: 200000
/// ```
public struct RateLimitRule: Codable, Sendable, Hashable {
    public enum Scope: String, Codable, Sendable, Hashable, CaseIterable {
        /// One bucket per principal; `match` is a principal subject or `*`.
        case principal
        /// One bucket per group shared by its members; `match` is a group name or `*` (each group).
        case group
        /// One bucket per tenant shared by its principals; `match` is a tenant or `*`.
        case tenant
        /// One bucket per model shared by every caller; `match` is a model name or `*`.
        case model
        /// One bucket per (principal, model); `match` is a model name or `*`.
        case principalModel = "principal_model"
        /// One bucket per acting service (the nearest actor of a delegated call), shared by every user it acts
        /// for; `match` is the actor's subject or `*`. Calls without an actor are not limited by it.
        case actor
        /// One bucket per (user, acting service) pair; `match` is the actor's subject or `*`.
        case principalActor = "principal_actor"
    }

    public var scope: Scope
    public var match: String
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// The issuer (`iss` URL, or `spiffe://trust-domain` for mTLS services) whose principal, group or tenant
    /// names `match` refers to; nil matches the name under any issuer. Buckets are per issuer either way:
    /// a group `eng` of one issuer never shares a bucket with a group `eng` of another.
    public var issuer: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope, match, issuer
        case requestsPerMinute = "requests_per_minute"
        case tokensPerMinute = "tokens_per_minute"
    }

    public init(
        scope: Scope, match: String = "*", requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, issuer: String? = nil
    ) throws {
        guard requestsPerMinute != nil || tokensPerMinute != nil else {
            throw LimitsConfigurationError("rate limit \(scope.rawValue)/\(match): set requests_per_minute or tokens_per_minute")
        }
        guard (requestsPerMinute ?? 1) > 0, (tokensPerMinute ?? 1) > 0 else {
            throw LimitsConfigurationError("rate limit \(scope.rawValue)/\(match): limits must be positive")
        }
        guard !match.isEmpty else { throw LimitsConfigurationError("rate limit \(scope.rawValue): match must not be empty") }
        if let problem = Self.issuerProblem(scope, issuer) { throw LimitsConfigurationError("rate limit \(scope.rawValue)/\(match): \(problem)") }
        self.scope = scope
        self.match = match
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.issuer = issuer
    }

    /// Whether the rule's names belong to identities (so an issuer qualifies them).
    public var namesIdentities: Bool {
        switch scope {
        case .principal, .group, .tenant, .actor, .principalActor: true
        case .model, .principalModel: false
        }
    }

    static func issuerProblem(_ scope: Scope, _ issuer: String?) -> String? {
        guard let issuer else { return nil }
        if issuer.isEmpty { return "issuer must not be empty" }
        if scope == .model || scope == .principalModel {
            return "issuer applies to principal, group, tenant and actor rules only"
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scope = try c.decode(Scope.self, forKey: .scope)
        match = try c.decodeIfPresent(String.self, forKey: .match) ?? "*"
        requestsPerMinute = try c.decodeIfPresent(Int.self, forKey: .requestsPerMinute)
        tokensPerMinute = try c.decodeIfPresent(Int.self, forKey: .tokensPerMinute)
        issuer = try c.decodeIfPresent(String.self, forKey: .issuer)
        if let problem = Self.issuerProblem(scope, issuer) {
            throw DecodingError.dataCorruptedError(forKey: .issuer, in: c, debugDescription: problem)
        }
        try LimitsConfigurationError.check(!match.isEmpty, "match must not be empty", key: .match, in: c)
        try LimitsConfigurationError.check(
            requestsPerMinute != nil || tokensPerMinute != nil,
            "set requests_per_minute or tokens_per_minute", key: .requestsPerMinute, in: c)
        try LimitsConfigurationError.check(
            (requestsPerMinute ?? 1) > 0, "expected a positive integer", key: .requestsPerMinute, in: c)
        try LimitsConfigurationError.check(
            (tokensPerMinute ?? 1) > 0, "expected a positive integer", key: .tokensPerMinute, in: c)
    }
}
