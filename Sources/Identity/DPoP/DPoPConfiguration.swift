import Core

/// `identity.dpop`: how RFC 9449 DPoP proofs are checked.
///
/// ```yaml
/// identity:
///   dpop:
///     public_url: https://gateway.example.org   # the base clients send requests to; htu = public_url + path
///     algorithms: [ES256, EdDSA]                 # default: ES256 ES384 ES512 RS256 PS256 EdDSA
///     iat_window_seconds: 60                     # a proof's iat may be this far in the past or the future
///     require_nonce: false                       # true: every proof must carry a fresh server nonce
///     nonce_lifetime_seconds: 300
///     nonce_key: env:PORTCULLIS_DPOP_NONCE_KEY   # shared by replicas; default: random per process
///     replay_cache_entries: 100000               # proofs remembered against replay (see DPoPReplayCache)
/// ```
///
/// HMAC (`HS*`) and `none` are refused at load: a proof is signed with the private key of the public key it
/// carries, never with a shared secret.
public struct DPoPConfiguration: Codable, Sendable {
    public static let defaultAlgorithms = ["ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA"]

    /// The gateway's external base URL (`https://gateway.example.org`, optionally with a base path): http or
    /// https, no query, no fragment, no user information. A trailing `/` is ignored.
    public var publicURL: String
    /// Signature algorithms a proof may use (a subset of `IssuerConfiguration.supportedAlgorithms`).
    public var algorithms: [String]
    /// How far (seconds) a proof's `iat` may lie in the past or the future.
    public var iatWindowSeconds: Int
    /// Every proof must carry a nonce the gateway issued (`DPoP-Nonce`) within the last two lifetimes.
    public var requireNonce: Bool
    /// Length (seconds) of a nonce slot; a nonce is accepted during its slot and the next.
    public var nonceLifetimeSeconds: Int
    /// The HMAC key of the nonces (at least 32 bytes). Replicas must share one, or a nonce one replica issued
    /// is refused by another; without it each process draws a random key at start.
    public var nonceKey: SecretReference?
    /// How many proofs the in-memory replay cache remembers (each for up to two windows).
    public var replayCacheEntries: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case publicURL = "public_url"
        case algorithms
        case iatWindowSeconds = "iat_window_seconds"
        case requireNonce = "require_nonce"
        case nonceLifetimeSeconds = "nonce_lifetime_seconds"
        case nonceKey = "nonce_key"
        case replayCacheEntries = "replay_cache_entries"
    }

    public init(
        publicURL: String, algorithms: [String] = defaultAlgorithms, iatWindowSeconds: Int = 60,
        requireNonce: Bool = false, nonceLifetimeSeconds: Int = 300, nonceKey: SecretReference? = nil,
        replayCacheEntries: Int = 100_000
    ) {
        self.publicURL = publicURL
        self.algorithms = algorithms
        self.iatWindowSeconds = iatWindowSeconds
        self.requireNonce = requireNonce
        self.nonceLifetimeSeconds = nonceLifetimeSeconds
        self.nonceKey = nonceKey
        self.replayCacheEntries = replayCacheEntries
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            publicURL: try c.decode(String.self, forKey: .publicURL),
            algorithms: try c.decodeIfPresent([String].self, forKey: .algorithms) ?? Self.defaultAlgorithms,
            iatWindowSeconds: try c.decodeIfPresent(Int.self, forKey: .iatWindowSeconds) ?? 60,
            requireNonce: try c.decodeIfPresent(Bool.self, forKey: .requireNonce) ?? false,
            nonceLifetimeSeconds: try c.decodeIfPresent(Int.self, forKey: .nonceLifetimeSeconds) ?? 300,
            nonceKey: try c.decodeIfPresent(SecretReference.self, forKey: .nonceKey),
            replayCacheEntries: try c.decodeIfPresent(Int.self, forKey: .replayCacheEntries) ?? 100_000)
        if let problem = validationProblem() {
            throw DecodingError.dataCorruptedError(forKey: problem.key, in: c, debugDescription: problem.message)
        }
    }

    /// The first configuration error, if any (also checked by `DPoPVerifier` for configurations built in code).
    func validationProblem() -> (key: CodingKeys, message: String)? {
        if DPoPTarget.base(publicURL) == nil {
            return (.publicURL, "public_url must be an http or https URL with a host and without query, fragment "
                + "or user information (e.g. https://gateway.example.org)")
        }
        if algorithms.isEmpty { return (.algorithms, "at least one algorithm is required") }
        for alg in algorithms where !IssuerConfiguration.supportedAlgorithms.contains(alg) {
            if alg.uppercased().hasPrefix("HS") || alg.lowercased() == "none" {
                return (.algorithms, "\(alg) is refused: a DPoP proof must be signed with an asymmetric key")
            }
            return (.algorithms, "\(alg) is not supported; expected one of \(IssuerConfiguration.supportedAlgorithms.sorted())")
        }
        if !(1...600).contains(iatWindowSeconds) {
            return (.iatWindowSeconds, "iat_window_seconds must be between 1 and 600")
        }
        if !(10...86_400).contains(nonceLifetimeSeconds) {
            return (.nonceLifetimeSeconds, "nonce_lifetime_seconds must be between 10 and 86400")
        }
        if !(1...10_000_000).contains(replayCacheEntries) {
            return (.replayCacheEntries, "replay_cache_entries must be between 1 and 10000000 (replay protection cannot be off)")
        }
        return nil
    }
}
