import Core

/// One trusted token issuer (an OIDC provider or any JWKS-publishing authorisation server).
public struct IssuerConfiguration: Codable, Sendable {
    /// Algorithms a JWKS issuer may use. HMAC (`HS*`) and `none` are never accepted: a shared secret is not
    /// an identity, and a public key must never be usable as an HMAC secret (algorithm confusion).
    public static let supportedAlgorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    ]

    /// Short name used in logs and metrics.
    public var name: String
    /// Exact `iss` value; also the base of OIDC discovery.
    public var issuer: String
    /// Accepted `aud` values; a token must name at least one.
    public var audiences: [String]
    public var algorithms: [String]
    /// Fetch `issuer/.well-known/openid-configuration` to find `jwks_uri` (ignored when `jwks_uri` is set).
    public var discovery: Bool
    public var jwksURI: String?
    /// A static JWKS file instead of fetching (read at start and on each refresh).
    public var jwksFile: String?
    public var clockSkewSeconds: Int
    /// When set, `iat` is required and may be at most this old.
    public var maxTokenAgeSeconds: Int?
    /// Claims that must be present: top-level names or JSON pointers (`/realm_access/roles`).
    public var requiredClaims: [String]
    /// Require the RFC 9068 header `typ: at+jwt`.
    public var requireAccessTokenTyp: Bool
    /// Accept OpenID Connect ID tokens as credentials (e.g. Google-signed identity tokens for services).
    public var acceptIDTokens: Bool
    public var claimMapping: ClaimMappingConfiguration
    /// How long the last good keys serve when the issuer cannot be reached.
    public var jwksMaxStalenessSeconds: Int
    /// Longest interval between background refreshes (Cache-Control max-age shortens it, never below 60 s).
    public var jwksRefreshSeconds: Int
    /// Prefix for the groups and roles this issuer asserts (`partner` makes group `eng` into
    /// `partner/eng`), so that a group name asserted by one IdP never counts as another IdP's group in
    /// policies (`principal in Group::"…"`), limits rules or administration. With several issuers, all but
    /// at most one must have one (see `IdentityConfiguration`).
    public var groupNamespace: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, issuer, audiences, algorithms, discovery
        case jwksURI = "jwks_uri"
        case jwksFile = "jwks_file"
        case clockSkewSeconds = "clock_skew_seconds"
        case maxTokenAgeSeconds = "max_token_age_seconds"
        case requiredClaims = "required_claims"
        case requireAccessTokenTyp = "require_access_token_typ"
        case acceptIDTokens = "accept_id_tokens"
        case claimMapping = "claim_mapping"
        case jwksMaxStalenessSeconds = "jwks_max_staleness_seconds"
        case jwksRefreshSeconds = "jwks_refresh_seconds"
        case groupNamespace = "group_namespace"
    }

    public init(
        name: String, issuer: String, audiences: [String], algorithms: [String] = ["RS256", "ES256"],
        discovery: Bool = true, jwksURI: String? = nil, jwksFile: String? = nil, clockSkewSeconds: Int = 60,
        maxTokenAgeSeconds: Int? = nil, requiredClaims: [String] = [], requireAccessTokenTyp: Bool = false,
        acceptIDTokens: Bool = false, claimMapping: ClaimMappingConfiguration = .init(),
        jwksMaxStalenessSeconds: Int = 86_400, jwksRefreshSeconds: Int = 3_600, groupNamespace: String? = nil
    ) {
        self.name = name
        self.issuer = issuer
        self.audiences = audiences
        self.algorithms = algorithms
        self.discovery = discovery
        self.jwksURI = jwksURI
        self.jwksFile = jwksFile
        self.clockSkewSeconds = clockSkewSeconds
        self.maxTokenAgeSeconds = maxTokenAgeSeconds
        self.requiredClaims = requiredClaims
        self.requireAccessTokenTyp = requireAccessTokenTyp
        self.acceptIDTokens = acceptIDTokens
        self.claimMapping = claimMapping
        self.jwksMaxStalenessSeconds = jwksMaxStalenessSeconds
        self.jwksRefreshSeconds = jwksRefreshSeconds
        self.groupNamespace = groupNamespace
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            issuer: try c.decode(String.self, forKey: .issuer),
            audiences: try c.decode([String].self, forKey: .audiences),
            algorithms: try c.decodeIfPresent([String].self, forKey: .algorithms) ?? ["RS256", "ES256"],
            discovery: try c.decodeIfPresent(Bool.self, forKey: .discovery) ?? true,
            jwksURI: try c.decodeIfPresent(String.self, forKey: .jwksURI),
            jwksFile: try c.decodeIfPresent(String.self, forKey: .jwksFile),
            clockSkewSeconds: try c.decodeIfPresent(Int.self, forKey: .clockSkewSeconds) ?? 60,
            maxTokenAgeSeconds: try c.decodeIfPresent(Int.self, forKey: .maxTokenAgeSeconds),
            requiredClaims: try c.decodeIfPresent([String].self, forKey: .requiredClaims) ?? [],
            requireAccessTokenTyp: try c.decodeIfPresent(Bool.self, forKey: .requireAccessTokenTyp) ?? false,
            acceptIDTokens: try c.decodeIfPresent(Bool.self, forKey: .acceptIDTokens) ?? false,
            claimMapping: try c.decodeIfPresent(ClaimMappingConfiguration.self, forKey: .claimMapping) ?? .init(),
            jwksMaxStalenessSeconds: try c.decodeIfPresent(Int.self, forKey: .jwksMaxStalenessSeconds) ?? 86_400,
            jwksRefreshSeconds: try c.decodeIfPresent(Int.self, forKey: .jwksRefreshSeconds) ?? 3_600,
            groupNamespace: try c.decodeIfPresent(String.self, forKey: .groupNamespace))
        if let problem = validationProblem() {
            throw DecodingError.dataCorruptedError(forKey: problem.key, in: c, debugDescription: problem.message)
        }
    }

    /// The first configuration error, if any (also used for configurations built in code).
    func validationProblem() -> (key: CodingKeys, message: String)? {
        if name.isEmpty { return (.name, "name must not be empty") }
        if issuer.isEmpty { return (.issuer, "issuer must not be empty") }
        if audiences.isEmpty || audiences.contains(where: \.isEmpty) {
            return (.audiences, "at least one non-empty audience is required (tokens for other APIs must not pass)")
        }
        if algorithms.isEmpty { return (.algorithms, "at least one algorithm is required") }
        for alg in algorithms where !Self.supportedAlgorithms.contains(alg) {
            if alg.uppercased().hasPrefix("HS") {
                return (.algorithms, "\(alg) is refused: HMAC algorithms are not accepted for JWKS issuers")
            }
            return (.algorithms, "\(alg) is not supported; expected one of \(Self.supportedAlgorithms.sorted())")
        }
        if jwksURI != nil && jwksFile != nil { return (.jwksFile, "set jwks_uri or jwks_file, not both") }
        if jwksURI == nil && jwksFile == nil && !discovery {
            return (.discovery, "discovery is off: set jwks_uri or jwks_file")
        }
        for url in [jwksURI, discovery && jwksURI == nil && jwksFile == nil ? issuer : nil].compactMap({ $0 })
        where !JWKSLocation.isAcceptableFetchURL(url) {
            return (url == jwksURI ? .jwksURI : .issuer, "\(url) must be https (plain http only on loopback)")
        }
        if clockSkewSeconds < 0 || clockSkewSeconds > 600 {
            return (.clockSkewSeconds, "clock_skew_seconds must be between 0 and 600")
        }
        if let age = maxTokenAgeSeconds, age <= 0 { return (.maxTokenAgeSeconds, "max_token_age_seconds must be positive") }
        if jwksMaxStalenessSeconds < 0 { return (.jwksMaxStalenessSeconds, "must not be negative") }
        if jwksRefreshSeconds < 60 { return (.jwksRefreshSeconds, "jwks_refresh_seconds must be at least 60") }
        if let ns = groupNamespace, !Self.isValidNamespace(ns) {
            return (.groupNamespace, "group_namespace must be 1 to 64 letters, digits, '.', '_' or '-'")
        }
        for claim in requiredClaims where claim.hasPrefix("/") && (try? JSONPointer(claim)) == nil {
            return (.requiredClaims, "\(claim) is not a valid JSON pointer")
        }
        return nil
    }

    static func isValidNamespace(_ ns: String) -> Bool {
        (1...64).contains(ns.utf8.count) && ns.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    /// Groups and roles as this issuer's principals carry them: prefixed with `group_namespace/`, if any.
    func namespaced(_ names: [String]) -> [String] {
        guard let ns = groupNamespace else { return names }
        return names.map { ns + "/" + $0 }
    }
}
