import Core

/// The `identity:` section of `portcullis.yaml`: which issuers are trusted, how their claims become a
/// `Principal`, which mTLS trust domains name services, and what (if anything) providers learn about the user.
///
/// ```yaml
/// identity:
///   issuers:
///     - name: staff
///       issuer: https://login.microsoftonline.com/TENANT/v2.0
///       audiences: [api://portcullis]
///       claim_mapping: entra_v2
///   mtls:
///     trust_domains:
///       - trust_domain: prod.example.org
///   upstream_user_id: { mode: hmac, key: env:PORTCULLIS_USER_ID_KEY }
///   token_cache_entries: 10000      # verified tokens remembered (0: verify every signature every time)
/// ```
///
/// Gateway-issued static keys are deliberately not offered: `gateway_keys` is an unknown key and stops start-up.
public struct IdentityConfiguration: Codable, Sendable {
    public var issuers: [IssuerConfiguration]
    public var mtls: MTLSConfiguration?
    public var upstreamUserID: UpstreamUserIDConfiguration
    /// How many verified tokens `VerifiedTokenCache` remembers (by SHA-256 of the whole token); 0 turns it off.
    public var tokenCacheEntries: Int
    /// Actor chains and workloads presenting users' tokens (nil: chains of up to 4 actors, no workloads).
    public var delegation: DelegationConfiguration?
    /// DPoP (RFC 9449) proofs for sender-constrained tokens; nil: the DPoP scheme and DPoP-bound tokens are refused.
    public var dpop: DPoPConfiguration?
    /// The gateway as an RFC 8693 client, for upstreams that need a token of their own for the user (`TokenExchanger`).
    public var tokenExchange: TokenExchangeConfiguration?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case issuers, mtls
        case upstreamUserID = "upstream_user_id"
        case tokenCacheEntries = "token_cache_entries"
        case delegation, dpop
        case tokenExchange = "token_exchange"
    }

    public init(
        issuers: [IssuerConfiguration], mtls: MTLSConfiguration? = nil,
        upstreamUserID: UpstreamUserIDConfiguration = .init(), tokenCacheEntries: Int = 10_000,
        delegation: DelegationConfiguration? = nil, dpop: DPoPConfiguration? = nil
    ) {
        self.delegation = delegation
        self.dpop = dpop
        self.issuers = issuers
        self.mtls = mtls
        self.upstreamUserID = upstreamUserID
        self.tokenCacheEntries = max(0, tokenCacheEntries)
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        issuers = try c.decodeIfPresent([IssuerConfiguration].self, forKey: .issuers) ?? []
        mtls = try c.decodeIfPresent(MTLSConfiguration.self, forKey: .mtls)
        upstreamUserID = try c.decodeIfPresent(UpstreamUserIDConfiguration.self, forKey: .upstreamUserID) ?? .init()
        tokenCacheEntries = try c.decodeIfPresent(Int.self, forKey: .tokenCacheEntries) ?? 10_000
        delegation = try c.decodeIfPresent(DelegationConfiguration.self, forKey: .delegation)
        dpop = try c.decodeIfPresent(DPoPConfiguration.self, forKey: .dpop)
        tokenExchange = try c.decodeIfPresent(TokenExchangeConfiguration.self, forKey: .tokenExchange)
        guard (0...10_000_000).contains(tokenCacheEntries) else {
            throw DecodingError.dataCorruptedError(
                forKey: .tokenCacheEntries, in: c, debugDescription: "expected 0 (off) up to 10000000 entries")
        }
        var seen = Set<String>()
        for issuer in issuers where !seen.insert(issuer.issuer).inserted {
            throw DecodingError.dataCorruptedError(
                forKey: .issuers, in: c, debugDescription: "issuer \(issuer.issuer) is listed twice")
        }
        if let problem = Self.groupNamespaceProblem(issuers) {
            throw DecodingError.dataCorruptedError(forKey: .issuers, in: c, debugDescription: problem)
        }
        if issuers.isEmpty && (mtls?.trustDomains.isEmpty ?? true) {
            throw DecodingError.dataCorruptedError(
                forKey: .issuers, in: c,
                debugDescription: "no trusted issuer and no mTLS trust domain: every request would be refused")
        }
    }
}

extension IdentityConfiguration {
    /// Several issuers may each assert a group `admins`; unless their names are kept apart, one IdP's
    /// `admins` would satisfy a policy written for another's. All issuers but at most one need a
    /// `group_namespace`, and no two the same.
    static func groupNamespaceProblem(_ issuers: [IssuerConfiguration]) -> String? {
        guard issuers.count > 1 else { return nil }
        let bare = issuers.filter { $0.groupNamespace == nil }.map(\.name)
        if bare.count > 1 {
            return "issuers \(bare.joined(separator: ", ")) have no group_namespace: a group one of them asserts would count as the "
                + "other's; give all but one a group_namespace (e.g. group_namespace: partner makes group eng into partner/eng)"
        }
        var seen = Set<String>()
        for issuer in issuers {
            if let ns = issuer.groupNamespace, !seen.insert(ns).inserted { return "group_namespace \(ns) is used by two issuers" }
        }
        return nil
    }
}

/// `upstream_user_id`: what providers receive in the OpenAI `user` field. `none` (default) sends nothing;
/// `hmac` sends hex HMAC-SHA256 of the principal id under `key`, a pseudonym stable per user and key.
public struct UpstreamUserIDConfiguration: Codable, Sendable {
    public enum Mode: String, Codable, Sendable { case none, hmac }
    public var mode: Mode
    public var key: SecretReference?

    enum CodingKeys: String, CodingKey, CaseIterable { case mode, key }

    public init(mode: Mode = .none, key: SecretReference? = nil) {
        self.mode = mode
        self.key = key
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .none
        key = try c.decodeIfPresent(SecretReference.self, forKey: .key)
        if mode == .hmac && key == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .key, in: c, debugDescription: "mode hmac needs key: env:NAME or file:/path")
        }
    }
}

/// `mtls`: client certificates (already verified against the listener's CA by the TLS layer) whose SPIFFE ID
/// (`spiffe://trust-domain/path` URI SAN) belongs to a listed trust domain become service principals. With
/// more than one trust domain, each names the CA bundle that issues its SVIDs (`ca_bundle`), so one domain's
/// CA cannot mint identities of another.
public struct MTLSConfiguration: Codable, Sendable {
    public var trustDomains: [SPIFFETrustDomain]

    enum CodingKeys: String, CodingKey, CaseIterable { case trustDomains = "trust_domains" }

    public init(trustDomains: [SPIFFETrustDomain]) { self.trustDomains = trustDomains }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trustDomains = try c.decodeIfPresent([SPIFFETrustDomain].self, forKey: .trustDomains) ?? []
        if trustDomains.count > 1, let unbound = trustDomains.first(where: { $0.caBundle == nil }) {
            throw DecodingError.dataCorruptedError(
                forKey: .trustDomains, in: c,
                debugDescription: "several trust domains: each needs ca_bundle (the CA that issues its SVIDs); \(unbound.trustDomain) has none")
        }
        var seen = Set<String>()
        for domain in trustDomains where !seen.insert(domain.trustDomain).inserted {
            throw DecodingError.dataCorruptedError(forKey: .trustDomains, in: c, debugDescription: "trust domain \(domain.trustDomain) is listed twice")
        }
    }
}

/// One trusted SPIFFE trust domain. `services` optionally names known workloads (path → name and groups);
/// with `require_listed_service: true` an unlisted path is refused.
public struct SPIFFETrustDomain: Codable, Sendable {
    public struct Service: Codable, Sendable {
        public var name: String?
        public var groups: [String]
        public var roles: [String]

        enum CodingKeys: String, CodingKey, CaseIterable { case name, groups, roles }

        public init(name: String? = nil, groups: [String] = [], roles: [String] = []) {
            self.name = name
            self.groups = groups
            self.roles = roles
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            groups = try c.decodeIfPresent([String].self, forKey: .groups) ?? []
            roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
        }
    }

    public var trustDomain: String
    public var services: [String: Service]
    public var requireListedService: Bool
    /// PEM file of the CA certificate(s) that issue this domain's SVIDs; a client certificate naming the domain
    /// must chain to one of them (in addition to the listener's `client_ca`). Required with several domains.
    public var caBundle: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case trustDomain = "trust_domain"
        case services
        case requireListedService = "require_listed_service"
        case caBundle = "ca_bundle"
    }

    public init(trustDomain: String, services: [String: Service] = [:], requireListedService: Bool = false, caBundle: String? = nil) {
        self.trustDomain = trustDomain
        self.services = services
        self.requireListedService = requireListedService
        self.caBundle = caBundle
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trustDomain = try c.decode(String.self, forKey: .trustDomain)
        services = try c.decodeIfPresent([String: Service].self, forKey: .services) ?? [:]
        requireListedService = try c.decodeIfPresent(Bool.self, forKey: .requireListedService) ?? false
        caBundle = try c.decodeIfPresent(String.self, forKey: .caBundle)
        guard SPIFFEID.isValidTrustDomain(trustDomain) else {
            throw DecodingError.dataCorruptedError(
                forKey: .trustDomain, in: c,
                debugDescription: "a trust domain is lower-case letters, digits, '.', '-' and '_' (no scheme, no path)")
        }
        for path in services.keys where SPIFFEID(string: "spiffe://\(trustDomain)\(path)") == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .services, in: c, debugDescription: "service key \(path) is not a SPIFFE path like /ns/prod/sa/billing")
        }
    }
}
