import Audit
import Core

/// `observability.tracing`: OpenTelemetry traces of every request (GenAI semantic conventions), exported over
/// OTLP/HTTP (protobuf) in batches. Off unless `enabled`; when off no span is ever created.
public struct TracingConfiguration: Sendable, Decodable, Equatable {
    public var enabled: Bool
    /// The collector's OTLP/HTTP traces URL, used as given (`http://127.0.0.1:4318/v1/traces`): https, or plain
    /// http to a loopback address only; no user name or password in it.
    public var endpoint: String?
    /// Headers sent with every export (collector authentication), each value a secret reference
    /// (`env:NAME`, `file:/path`), never a literal.
    public var headers: [String: SecretReference]
    /// The share of new traces sampled, 0...1. Parent-based: a caller's sampled `traceparent` is always
    /// honoured, a caller's unsampled one is not sampled.
    public var sampleRatio: Double
    /// `service.name` of the exported resource.
    public var serviceName: String
    /// PEM bundle of the CAs that may sign the collector's certificate (the system's when absent).
    public var caFile: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, endpoint, headers
        case sampleRatio = "sample_ratio"
        case serviceName = "service_name"
        case caFile = "ca_file"
    }

    public init(
        enabled: Bool = false, endpoint: String? = nil, headers: [String: SecretReference] = [:], sampleRatio: Double = 1.0,
        serviceName: String = "portcullis", caFile: String? = nil
    ) {
        self.enabled = enabled
        self.endpoint = endpoint
        self.headers = headers
        self.sampleRatio = sampleRatio
        self.serviceName = serviceName
        self.caFile = caFile
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        if let endpoint, let problem = HTTPSDestination.problem(url: endpoint) {
            throw DecodingError.dataCorruptedError(forKey: .endpoint, in: c, debugDescription: problem)
        }
        if enabled, endpoint == nil {
            throw DecodingError.dataCorruptedError(forKey: .endpoint, in: c, debugDescription: "expected the collector's OTLP/HTTP traces URL when tracing is enabled")
        }
        headers = try c.decodeIfPresent([String: SecretReference].self, forKey: .headers) ?? [:]
        for name in headers.keys where !Self.isHeaderName(name) {
            throw DecodingError.dataCorruptedError(forKey: .headers, in: c, debugDescription: "'\(name)' is not an HTTP header name")
        }
        sampleRatio = try c.decodeIfPresent(Double.self, forKey: .sampleRatio) ?? 1.0
        guard sampleRatio >= 0, sampleRatio <= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .sampleRatio, in: c, debugDescription: "expected a number from 0 to 1")
        }
        serviceName = try c.decodeIfPresent(String.self, forKey: .serviceName) ?? "portcullis"
        guard !serviceName.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .serviceName, in: c, debugDescription: "must not be empty")
        }
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
    }

    /// An RFC 9110 token: what a header name may be.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
        }
    }
}
