/// What a caller presented to prove who it is, taken off the transport by `Gateway` without
/// interpretation. `Identity` verifies it.
public struct Credentials: Sendable {
    /// The raw `Authorization` header value, if any.
    public var authorization: String?
    /// The verified mTLS client certificate chain (DER, leaf first), if the listener uses mTLS and the
    /// TLS handshake already validated it against the configured CA.
    public var clientCertificateChain: [[UInt8]]
    /// Anthropic-style `x-api-key` header, treated exactly like a bearer credential.
    public var apiKeyHeader: String?

    public init(authorization: String? = nil, clientCertificateChain: [[UInt8]] = [], apiKeyHeader: String? = nil) {
        self.authorization = authorization
        self.clientCertificateChain = clientCertificateChain
        self.apiKeyHeader = apiKeyHeader
    }
}
