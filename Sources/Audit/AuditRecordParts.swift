import Core

/// The identity facts kept in a record (a subset of `Principal`: nothing a policy does not need).
public struct AuditPrincipal: Sendable, Hashable, Codable {
    public var issuer: String
    public var subject: String
    public var kind: String
    public var groups: [String]
    public var tenant: String?
    public var acr: String?
    public var authenticationMethod: String?
    /// Who acted for the principal, nearest first (absent when nobody did).
    public var actors: [AuditActor]
    /// `dpop` or `mtls` for a sender-constrained token (absent for a bearer token).
    public var tokenBinding: String?

    enum CodingKeys: String, CodingKey {
        case issuer, subject, kind, groups, tenant, acr, actors
        case authenticationMethod = "authentication_method"
        case tokenBinding = "token_binding"
    }

    public init(
        issuer: String, subject: String, kind: String, groups: [String] = [], tenant: String? = nil,
        acr: String? = nil, authenticationMethod: String? = nil, actors: [AuditActor] = [], tokenBinding: String? = nil
    ) {
        self.actors = actors
        self.tokenBinding = tokenBinding
        self.issuer = issuer
        self.subject = subject
        self.kind = kind
        self.groups = groups
        self.tenant = tenant
        self.acr = acr
        self.authenticationMethod = authenticationMethod
    }

    /// The principal's globally unique id, as `Principal.id`: `issuer#subject`.
    public var id: String { "\(issuer)#\(subject)" }

    public init(_ p: Principal) {
        self.init(
            issuer: p.issuer, subject: p.subject, kind: p.kind.rawValue, groups: p.groups.sorted(),
            tenant: p.tenant, acr: p.acr, authenticationMethod: p.authenticationMethod,
            actors: p.actors.map(AuditActor.init), tokenBinding: p.tokenBinding == .none ? nil : p.tokenBinding.rawValue)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            issuer: try c.decode(String.self, forKey: .issuer), subject: try c.decode(String.self, forKey: .subject),
            kind: try c.decode(String.self, forKey: .kind), groups: try c.decodeIfPresent([String].self, forKey: .groups) ?? [],
            tenant: try c.decodeIfPresent(String.self, forKey: .tenant), acr: try c.decodeIfPresent(String.self, forKey: .acr),
            authenticationMethod: try c.decodeIfPresent(String.self, forKey: .authenticationMethod),
            actors: try c.decodeIfPresent([AuditActor].self, forKey: .actors) ?? [],
            tokenBinding: try c.decodeIfPresent(String.self, forKey: .tokenBinding))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(subject, forKey: .subject)
        try c.encode(kind, forKey: .kind)
        try c.encode(groups, forKey: .groups)
        try c.encodeIfPresent(tenant, forKey: .tenant)
        try c.encodeIfPresent(acr, forKey: .acr)
        try c.encodeIfPresent(authenticationMethod, forKey: .authenticationMethod)
        if !actors.isEmpty { try c.encode(actors, forKey: .actors) }
        try c.encodeIfPresent(tokenBinding, forKey: .tokenBinding)
    }
}

/// One actor of a delegated call, as recorded: who (issuer, subject, kind) and where the gateway learnt it
/// (`act` claim, the user token's `client`, or a `workload` that authenticated itself).
public struct AuditActor: Sendable, Hashable, Codable {
    public var issuer: String
    public var subject: String
    public var kind: String
    public var source: String

    public init(issuer: String, subject: String, kind: String, source: String) {
        self.issuer = issuer
        self.subject = subject
        self.kind = kind
        self.source = source
    }

    public init(_ a: Principal.Actor) {
        self.init(issuer: a.issuer, subject: a.subject, kind: a.kind.rawValue, source: a.source.rawValue)
    }

    public var id: String { "\(issuer)#\(subject)" }
}

/// The policy decision as recorded.
public struct AuditDecision: Sendable, Hashable, Codable {
    public var effect: String
    public var determiningPolicies: [String]
    public var errors: [String]
    public var policySetHash: String

    enum CodingKeys: String, CodingKey {
        case effect, errors
        case determiningPolicies = "determining_policies"
        case policySetHash = "policy_set_hash"
    }

    public init(effect: String, determiningPolicies: [String] = [], errors: [String] = [], policySetHash: String = "") {
        self.effect = effect
        self.determiningPolicies = determiningPolicies
        self.errors = errors
        self.policySetHash = policySetHash
    }

    public init(_ d: Decision) {
        self.init(
            effect: d.effect.rawValue, determiningPolicies: d.determiningPolicies, errors: d.errors,
            policySetHash: d.policySetHash)
    }
}

/// Obligations applied to the request, with sets as sorted arrays so the encoding is deterministic.
public struct AppliedObligations: Sendable, Hashable, Codable {
    public var guardrailProfile: String?
    public var maxTokens: Int?
    public var redact: [String]
    public var pseudonymise: [String]
    public var allowedTools: [String]?
    public var cacheScope: String?
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var callsPerDay: Int?
    public var allowedArguments: [String]?

    enum CodingKeys: String, CodingKey {
        case redact, pseudonymise
        case allowedArguments = "allowed_arguments"
        case callsPerDay = "calls_per_day"
        case guardrailProfile = "guardrail_profile"
        case maxTokens = "max_tokens"
        case allowedTools = "allowed_tools"
        case cacheScope = "cache_scope"
        case requestsPerMinute = "requests_per_minute"
        case tokensPerMinute = "tokens_per_minute"
    }

    public init(_ o: Obligations) {
        guardrailProfile = o.guardrailProfile?.name
        maxTokens = o.maxTokens
        redact = o.redact.sorted()
        pseudonymise = o.pseudonymise.sorted()
        allowedTools = o.allowedTools?.sorted()
        cacheScope = o.cacheScope?.rawValue
        requestsPerMinute = o.requestsPerMinute
        tokensPerMinute = o.tokensPerMinute
        callsPerDay = o.callsPerDay
        allowedArguments = o.allowedArguments?.sorted()
    }
}

/// Guardrail findings of one detector: how many and where — never the detected values.
public struct AuditFinding: Sendable, Hashable, Codable {
    public struct Span: Sendable, Hashable, Codable {
        public var start: Int
        public var end: Int
        public var message: Int?
    }

    public var detector: String
    public var category: String
    public var direction: String
    public var count: Int
    public var positions: [Span]

    /// Groups findings by detector, category and direction, in a stable order.
    public static func summarise(_ findings: [Finding]) -> [AuditFinding] {
        var groups: [String: AuditFinding] = [:]
        for f in findings {
            let key = "\(f.direction.rawValue)\u{0}\(f.detector)\u{0}\(f.category)"
            var g = groups[key] ?? AuditFinding(
                detector: f.detector, category: f.category, direction: f.direction.rawValue, count: 0, positions: [])
            g.count += 1
            g.positions.append(Span(start: f.start, end: f.end, message: f.messageIndex))
            groups[key] = g
        }
        return groups.keys.sorted().map { groups[$0]! }
    }
}

/// Where the time went, in milliseconds.
public struct AuditLatency: Sendable, Hashable, Codable {
    public var gatewayOverheadMs: Double?
    public var upstreamMs: Double?
    public var timeToFirstTokenMs: Double?
    public var totalMs: Double?

    enum CodingKeys: String, CodingKey {
        case gatewayOverheadMs = "gateway_overhead_ms"
        case upstreamMs = "upstream_ms"
        case timeToFirstTokenMs = "time_to_first_token_ms"
        case totalMs = "total_ms"
    }

    public init(gatewayOverheadMs: Double? = nil, upstreamMs: Double? = nil, timeToFirstTokenMs: Double? = nil, totalMs: Double? = nil) {
        self.gatewayOverheadMs = gatewayOverheadMs
        self.upstreamMs = upstreamMs
        self.timeToFirstTokenMs = timeToFirstTokenMs
        self.totalMs = totalMs
    }
}

/// One try of one model target, in the order made: the provider and its model name, how it ended, the status
/// the provider answered (if it did), how long it took, and for a fallback target that policy refused, the
/// policies that decided it, and for a call to a fallback target the SHA-256 of the bytes it was sent (the begin
/// record's content covers the first target's body only). `outcome` is `served`, `upstream_status` (429 or 5xx), `timeout`, `not_connected`,
/// `unreachable`, `invalid_answer`, `misconfigured`, `circuit_open`, `refused_policy`, `untranslatable` or
/// `deadline_exceeded`.
public struct AuditAttempt: Sendable, Hashable, Codable {
    public var provider: String
    public var upstreamModel: String
    public var outcome: String
    public var status: Int?
    public var durationMs: Double?
    public var policies: [String]?
    public var requestSHA256: String?

    enum CodingKeys: String, CodingKey {
        case provider, outcome, status, policies
        case upstreamModel = "upstream_model"
        case durationMs = "duration_ms"
        case requestSHA256 = "request_sha256"
    }

    public init(
        provider: String, upstreamModel: String, outcome: String, status: Int? = nil, durationMs: Double? = nil, policies: [String]? = nil,
        requestSHA256: String? = nil
    ) {
        self.requestSHA256 = requestSHA256
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.outcome = outcome
        self.status = status
        self.durationMs = durationMs
        self.policies = policies
    }
}

/// What the trail kept of the request and response bodies, per capture mode. In `redacted` and
/// `encrypted` mode the stored bytes live outside the canonical record (so retention and erasure can
/// remove them) and `contentSHA256` binds them to the chain; in `encrypted` mode it is the digest of the
/// CIPHERTEXT, so destroying the key does not break verification.
public struct CapturedContent: Sendable, Hashable, Codable {
    public var mode: ContentMode
    public var requestSHA256: String?
    public var responseSHA256: String?
    public var requestBytes: Int?
    public var responseBytes: Int?
    public var contentSHA256: String?
    /// Id of the per-subject key (`encrypted` mode).
    public var keyID: String?

    enum CodingKeys: String, CodingKey {
        case mode
        case requestSHA256 = "request_sha256"
        case responseSHA256 = "response_sha256"
        case requestBytes = "request_bytes"
        case responseBytes = "response_bytes"
        case contentSHA256 = "content_sha256"
        case keyID = "key_id"
    }
}
