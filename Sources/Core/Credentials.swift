/// What a caller presented to prove who it is, taken off the transport by `Gateway` without
/// interpretation. `Identity` verifies it.
public struct Credentials: Sendable {
    /// The raw `Authorization` header value, if any (`Bearer …` or `DPoP …`).
    public var authorization: String?
    /// The verified mTLS client certificate chain (DER, leaf first), if the listener uses mTLS and the
    /// TLS handshake already validated it against the configured CA.
    public var clientCertificateChain: [[UInt8]]
    /// Anthropic-style `x-api-key` header, treated exactly like a bearer credential.
    public var apiKeyHeader: String?
    /// Every `DPoP` header value (RFC 9449 allows exactly one proof; more is refused).
    public var dpopProofs: [String]
    /// Every value of the delegation header: the user's token, carried by an authenticated workload.
    public var userTokens: [String]
    /// The request's method and path (without query), for a DPoP proof's `htm` and `htu`.
    public var method: String
    public var path: String

    public init(
        authorization: String? = nil, clientCertificateChain: [[UInt8]] = [], apiKeyHeader: String? = nil,
        dpopProofs: [String] = [], userTokens: [String] = [], method: String = "POST", path: String = "/"
    ) {
        self.authorization = authorization
        self.clientCertificateChain = clientCertificateChain
        self.apiKeyHeader = apiKeyHeader
        self.dpopProofs = dpopProofs
        self.userTokens = userTokens
        self.method = method
        self.path = path
    }
}
