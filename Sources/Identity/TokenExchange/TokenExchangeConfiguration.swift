import Core

/// `identity.token_exchange:` — the gateway as an RFC 8693 client of the identity provider, for upstreams that
/// need a token of their own for the calling user (`token_exchange:` of an MCP server or a model provider).
///
/// ```yaml
/// identity:
///   token_exchange:
///     token_endpoint: https://idp.example.com/oauth2/token
///     client_id: portcullis
///     client_secret: env:PORTCULLIS_EXCHANGE_SECRET
///     client_authentication: client_secret_basic   # or client_secret_post
///     subject_token_type: access_token             # or jwt
///     actor_token: none                            # or client_credentials: the gateway's own token as actor_token
///     refresh_margin_seconds: 60                   # an exchanged token is used until this long before it expires
///     timeout_seconds: 10
///     default_lifetime_seconds: 300                # when the answer gives no expires_in and the token is no JWT
///     cache_entries: 10000
/// ```
public struct TokenExchangeConfiguration: Codable, Sendable {
    /// How the gateway authenticates to the token endpoint (RFC 6749 §2.3.1).
    public enum ClientAuthentication: String, Codable, Sendable, CaseIterable {
        /// `Authorization: Basic base64(urlencode(client_id):urlencode(client_secret))`.
        case clientSecretBasic = "client_secret_basic"
        /// `client_id` and `client_secret` in the form body.
        case clientSecretPost = "client_secret_post"
    }

    /// What the caller's token is declared as (`subject_token_type`).
    public enum SubjectTokenType: String, Codable, Sendable, CaseIterable {
        case accessToken = "access_token"
        case jwt

        /// The RFC 8693 §3 token type identifier.
        public var uri: String {
            switch self {
            case .accessToken: TokenTypeURI.accessToken
            case .jwt: TokenTypeURI.jwt
            }
        }
    }

    /// Whether the exchange carries an `actor_token`.
    public enum ActorToken: String, Codable, Sendable, CaseIterable {
        /// None: the client authentication identifies the gateway.
        case none
        /// The gateway's own token from the same endpoint (`grant_type=client_credentials`), cached like exchanged ones.
        case clientCredentials = "client_credentials"
    }

    public var tokenEndpoint: String
    public var clientID: String
    public var clientSecret: SecretReference
    public var clientAuthentication: ClientAuthentication
    public var subjectTokenType: SubjectTokenType
    public var actorToken: ActorToken
    /// An exchanged token is used until this many seconds before it expires.
    public var refreshMarginSeconds: Int
    /// Longest wait for the token endpoint's answer.
    public var timeoutSeconds: Int
    /// The lifetime of a token whose answer has no `expires_in` and which is not a JWT with `exp`.
    public var defaultLifetimeSeconds: Int
    /// Exchanged tokens remembered (least recently used dropped first).
    public var cacheEntries: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tokenEndpoint = "token_endpoint"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case clientAuthentication = "client_authentication"
        case subjectTokenType = "subject_token_type"
        case actorToken = "actor_token"
        case refreshMarginSeconds = "refresh_margin_seconds"
        case timeoutSeconds = "timeout_seconds"
        case defaultLifetimeSeconds = "default_lifetime_seconds"
        case cacheEntries = "cache_entries"
    }

    public init(
        tokenEndpoint: String, clientID: String, clientSecret: SecretReference, clientAuthentication: ClientAuthentication = .clientSecretBasic,
        subjectTokenType: SubjectTokenType = .accessToken, actorToken: ActorToken = .none, refreshMarginSeconds: Int = 60,
        timeoutSeconds: Int = 10, defaultLifetimeSeconds: Int = 300, cacheEntries: Int = 10_000
    ) {
        self.tokenEndpoint = tokenEndpoint
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.clientAuthentication = clientAuthentication
        self.subjectTokenType = subjectTokenType
        self.actorToken = actorToken
        self.refreshMarginSeconds = refreshMarginSeconds
        self.timeoutSeconds = timeoutSeconds
        self.defaultLifetimeSeconds = defaultLifetimeSeconds
        self.cacheEntries = cacheEntries
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            tokenEndpoint: try c.decode(String.self, forKey: .tokenEndpoint),
            clientID: try c.decode(String.self, forKey: .clientID),
            clientSecret: try c.decode(SecretReference.self, forKey: .clientSecret),
            clientAuthentication: try Self.choice(c, .clientAuthentication) ?? .clientSecretBasic,
            subjectTokenType: try Self.choice(c, .subjectTokenType) ?? .accessToken,
            actorToken: try Self.choice(c, .actorToken) ?? .none,
            refreshMarginSeconds: try c.decodeIfPresent(Int.self, forKey: .refreshMarginSeconds) ?? 60,
            timeoutSeconds: try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 10,
            defaultLifetimeSeconds: try c.decodeIfPresent(Int.self, forKey: .defaultLifetimeSeconds) ?? 300,
            cacheEntries: try c.decodeIfPresent(Int.self, forKey: .cacheEntries) ?? 10_000)
        if let problem = validationProblem() {
            throw DecodingError.dataCorruptedError(forKey: problem.key, in: c, debugDescription: problem.message)
        }
    }

    /// One of an enumeration's values, with the error naming them all.
    private static func choice<T: RawRepresentable & CaseIterable & Decodable>(
        _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> T? where T.RawValue == String {
        guard let raw = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = T(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c, debugDescription: "'\(raw)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// The first configuration error, if any (also used for configurations built in code).
    func validationProblem() -> (key: CodingKeys, message: String)? {
        if !JWKSLocation.isAcceptableFetchURL(tokenEndpoint) || tokenEndpoint.contains("#") {
            return (.tokenEndpoint, "\(tokenEndpoint) must be an https URL (plain http only on loopback) without a fragment")
        }
        if clientID.isEmpty || clientID.utf8.count > 256 || clientID.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return (.clientID, "expected 1 to 256 characters without control characters")
        }
        if !(0...3600).contains(refreshMarginSeconds) { return (.refreshMarginSeconds, "expected 0 to 3600 seconds") }
        if !(1...60).contains(timeoutSeconds) { return (.timeoutSeconds, "expected 1 to 60 seconds") }
        if !(1...86_400).contains(defaultLifetimeSeconds) { return (.defaultLifetimeSeconds, "expected 1 to 86400 seconds") }
        if !(1...1_000_000).contains(cacheEntries) { return (.cacheEntries, "expected 1 to 1000000 entries") }
        return nil
    }
}

/// RFC 8693 §3 token type identifiers and the grant type.
public enum TokenTypeURI {
    public static let accessToken = "urn:ietf:params:oauth:token-type:access_token"
    public static let jwt = "urn:ietf:params:oauth:token-type:jwt"
    public static let tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
}
