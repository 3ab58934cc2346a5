import Core

/// The listener: address, limits, TLS and mTLS.
public struct ServerConfiguration: Sendable, Decodable {
    public var host: String
    public var port: Int
    /// Largest request body accepted; larger bodies get 413 before they are parsed.
    public var maxBodyBytes: Int
    /// Seconds in-flight requests (streams included) get to finish after SIGTERM.
    public var shutdownGraceSeconds: Double
    public var tls: TLSConfiguration?

    public struct TLSConfiguration: Sendable, Decodable {
        /// PEM certificate chain and private key of the listener.
        public var certificate: String
        public var privateKey: SecretReference
        /// PEM bundle of CAs that sign workload (client) certificates; enables mTLS.
        public var clientCA: String?
        /// Refuse the TLS handshake without a client certificate (`true` for service-only listeners).
        public var requireClientCertificate: Bool

        enum CodingKeys: String, CodingKey, CaseIterable {
            case certificate
            case privateKey = "private_key"
            case clientCA = "client_ca"
            case requireClientCertificate = "require_client_certificate"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            certificate = try c.decode(String.self, forKey: .certificate)
            privateKey = try c.decode(SecretReference.self, forKey: .privateKey)
            clientCA = try c.decodeIfPresent(String.self, forKey: .clientCA)
            requireClientCertificate = try c.decodeIfPresent(Bool.self, forKey: .requireClientCertificate) ?? false
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, tls
        case maxBodyBytes = "max_body_bytes"
        case shutdownGraceSeconds = "shutdown_grace_seconds"
    }

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 4 << 20, shutdownGraceSeconds: Double = 30, tls: TLSConfiguration? = nil) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.tls = tls
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? "127.0.0.1"
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 8080
        guard (0...65535).contains(port) else {
            throw DecodingError.dataCorruptedError(forKey: .port, in: c, debugDescription: "expected a port number 0-65535")
        }
        maxBodyBytes = try c.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? 4 << 20
        guard maxBodyBytes >= 1024 else {
            throw DecodingError.dataCorruptedError(forKey: .maxBodyBytes, in: c, debugDescription: "expected at least 1024 bytes")
        }
        shutdownGraceSeconds = try c.decodeIfPresent(Double.self, forKey: .shutdownGraceSeconds) ?? 30
        tls = try c.decodeIfPresent(TLSConfiguration.self, forKey: .tls)
    }
}
