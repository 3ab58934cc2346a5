import Core

/// One upstream LLM endpoint, as configured under `providers:` in portcullis.yaml.
public struct ProviderConfiguration: Sendable, Codable, Hashable {
    /// Wire dialect of the upstream.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// OpenAI itself or any OpenAI-compatible server (vLLM, Ollama's `/v1`, LM Studio...).
        case openai
        /// Azure OpenAI: `{base}/openai/deployments/{deployment}/...?api-version=...`, `api-key` header.
        case azure
        case vllm
        case ollama
        /// Anthropic's Messages API (`{base}/messages`, `x-api-key` or a bearer, `anthropic-version`).
        case anthropic
        /// AWS Bedrock Runtime `Converse` / `ConverseStream`, signed with SigV4 (`aws:`).
        case bedrock
        /// The Gemini API (`{base}/models/{model}:generateContent`, `x-goog-api-key`).
        case gemini
        /// Vertex AI's Google models (`{base}/projects/P/locations/L/publishers/google/models/M:generateContent`,
        /// an OAuth token from a service account: `vertex:`).
        case vertex
    }

    /// How the gateway presents its credential to an Anthropic upstream.
    public enum AnthropicAuthentication: String, Sendable, Codable, Hashable {
        /// `x-api-key: <key>` (Anthropic's API keys).
        case apiKey = "x-api-key"
        /// `authorization: Bearer <token>` (gateways and proxies in front of Anthropic-format models).
        case bearer
    }

    /// The body format the upstream speaks.
    public var wireFormat: WireFormat {
        switch kind {
        case .openai, .azure, .vllm, .ollama: .openAIChat
        case .anthropic: .anthropicMessages
        case .bedrock: .bedrockConverse
        case .gemini, .vertex: .geminiGenerateContent
        }
    }

    /// The content types of a streamed answer from this kind of upstream.
    public var streamContentTypes: [String] {
        kind == .bedrock ? ["application/vnd.amazon.eventstream"] : ["text/event-stream"]
    }

    public var kind: Kind
    /// Base URL. For OpenAI-compatible kinds it includes the version prefix (`https://api.openai.com/v1`,
    /// `http://vllm:8000/v1`, `http://ollama:11434/v1`); for Azure the resource endpoint
    /// (`https://NAME.openai.azure.com`).
    public var baseURL: String
    /// Credential the gateway presents upstream (never the caller's). Optional for local servers.
    public var apiKey: SecretReference?
    /// Instead of `api_key` (OpenAI-compatible kinds and Azure): a token for the calling user, exchanged at the
    /// identity provider for this upstream (RFC 8693, `identity.token_exchange`) and sent as `Authorization: Bearer`.
    public var tokenExchange: TokenExchangeTarget?
    /// Azure `api-version` query parameter.
    public var apiVersion: String?
    /// Anthropic: the `anthropic-version` header sent upstream (the gateway's, whatever the caller sent).
    public var anthropicVersion: String
    /// Anthropic: how the credential is presented.
    public var authentication: AnthropicAuthentication
    /// Time allowed until the upstream's response head arrives.
    public var timeoutSeconds: Double
    /// Longest silence allowed between two chunks of a streamed body.
    public var idleTimeoutSeconds: Double
    public var connectTimeoutSeconds: Double
    /// Retries of a failed attempt (no connection, 429, 5xx, no first byte in time) on this provider before
    /// the next target is tried, unless the model's `retry.attempts` says otherwise. Never once a byte was relayed.
    public var maxRetries: Int
    /// Bedrock: region and credentials for SigV4.
    public var aws: AWSSettings?
    /// Vertex AI: project, location and service account.
    public var vertex: VertexSettings?
    /// When this provider's deployments are taken out of rotation.
    public var circuitBreaker: CircuitSettings

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind
        case baseURL = "base_url"
        case apiKey = "api_key"
        case apiVersion = "api_version"
        case anthropicVersion = "anthropic_version"
        case authentication
        case timeoutSeconds = "timeout_seconds"
        case idleTimeoutSeconds = "idle_timeout_seconds"
        case connectTimeoutSeconds = "connect_timeout_seconds"
        case maxRetries = "max_retries"
        case aws, vertex
        case circuitBreaker = "circuit_breaker"
        case tokenExchange = "token_exchange"
    }

    public init(
        kind: Kind, baseURL: String, apiKey: SecretReference? = nil, apiVersion: String? = nil,
        anthropicVersion: String = ProviderConfiguration.defaultAnthropicVersion, authentication: AnthropicAuthentication = .apiKey,
        timeoutSeconds: Double = 60, idleTimeoutSeconds: Double = 60, connectTimeoutSeconds: Double = 5,
        maxRetries: Int = 1, aws: AWSSettings? = nil, vertex: VertexSettings? = nil, circuitBreaker: CircuitSettings = CircuitSettings()
    ) {
        self.kind = kind
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.anthropicVersion = anthropicVersion
        self.authentication = authentication
        self.timeoutSeconds = timeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxRetries = maxRetries
        self.aws = aws
        self.vertex = vertex
        self.circuitBreaker = circuitBreaker
    }

    /// The public endpoint of a cloud provider, when `base_url` is not given.
    static func defaultBaseURL(kind: Kind, aws: AWSSettings?, vertex: VertexSettings?) -> String? {
        switch kind {
        case .bedrock: aws.map { "https://bedrock-runtime.\($0.region).amazonaws.com" }
        case .gemini: "https://generativelanguage.googleapis.com/v1beta"
        case .vertex: vertex.map { "https://\($0.location)-aiplatform.googleapis.com/v1" }
        case .anthropic: "https://api.anthropic.com/v1"
        case .openai: "https://api.openai.com/v1"
        case .azure, .vllm, .ollama: nil
        }
    }

    /// The Messages API version the gateway speaks to Anthropic unless configured otherwise.
    public static let defaultAnthropicVersion = "2023-06-01"

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        aws = try c.decodeIfPresent(AWSSettings.self, forKey: .aws)
        vertex = try c.decodeIfPresent(VertexSettings.self, forKey: .vertex)
        circuitBreaker = try c.decodeIfPresent(CircuitSettings.self, forKey: .circuitBreaker) ?? CircuitSettings()
        switch kind {
        case .bedrock where aws == nil:
            throw DecodingError.keyNotFound(CodingKeys.aws, .init(codingPath: decoder.codingPath, debugDescription: "bedrock providers need aws: region and credentials"))
        case .vertex where vertex == nil:
            throw DecodingError.keyNotFound(CodingKeys.vertex, .init(codingPath: decoder.codingPath, debugDescription: "vertex providers need vertex: project, location and service_account"))
        default: break
        }
        if kind != .bedrock, c.contains(.aws) {
            throw DecodingError.dataCorruptedError(forKey: .aws, in: c, debugDescription: "only bedrock providers take aws")
        }
        if kind != .vertex, c.contains(.vertex) {
            throw DecodingError.dataCorruptedError(forKey: .vertex, in: c, debugDescription: "only vertex providers take vertex")
        }
        if kind == .vertex || kind == .bedrock, c.contains(.apiKey) {
            throw DecodingError.dataCorruptedError(forKey: .apiKey, in: c, debugDescription: "\(kind.rawValue) providers authenticate with \(kind == .bedrock ? "aws" : "vertex.service_account"), not api_key")
        }
        baseURL = try c.decodeIfPresent(String.self, forKey: .baseURL) ?? Self.defaultBaseURL(kind: kind, aws: aws, vertex: vertex) ?? ""
        if baseURL.isEmpty {
            throw DecodingError.keyNotFound(CodingKeys.baseURL, .init(codingPath: decoder.codingPath, debugDescription: "\(kind.rawValue) providers need base_url"))
        }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw DecodingError.dataCorruptedError(
                forKey: .baseURL, in: c, debugDescription: "expected an http:// or https:// URL")
        }
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        apiKey = try c.decodeIfPresent(SecretReference.self, forKey: .apiKey)
        tokenExchange = try c.decodeIfPresent(TokenExchangeTarget.self, forKey: .tokenExchange)
        if tokenExchange != nil {
            guard [.openai, .azure, .vllm, .ollama].contains(kind) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .tokenExchange, in: c, debugDescription: "only openai, azure, vllm and ollama providers take token_exchange")
            }
            guard apiKey == nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .tokenExchange, in: c, debugDescription: "set api_key or token_exchange, not both: the upstream gets one credential")
            }
        }
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        if kind == .azure, apiVersion == nil {
            throw DecodingError.keyNotFound(
                CodingKeys.apiVersion, .init(codingPath: decoder.codingPath, debugDescription: "azure providers need api_version"))
        }
        anthropicVersion = try c.decodeIfPresent(String.self, forKey: .anthropicVersion) ?? Self.defaultAnthropicVersion
        authentication = try c.decodeIfPresent(AnthropicAuthentication.self, forKey: .authentication) ?? .apiKey
        if kind != .anthropic {
            for key in [CodingKeys.anthropicVersion, .authentication] where c.contains(key) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "only anthropic providers take \(key.rawValue)")
            }
        }
        guard !anthropicVersion.isEmpty, anthropicVersion.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw DecodingError.dataCorruptedError(forKey: .anthropicVersion, in: c, debugDescription: "expected a version such as 2023-06-01")
        }
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 60
        idleTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .idleTimeoutSeconds) ?? 60
        connectTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .connectTimeoutSeconds) ?? 5
        maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? 1
        for (key, value) in [(CodingKeys.timeoutSeconds, timeoutSeconds), (.idleTimeoutSeconds, idleTimeoutSeconds), (.connectTimeoutSeconds, connectTimeoutSeconds)] where !(value > 0) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a positive number of seconds")
        }
        guard (0...5).contains(maxRetries) else {
            throw DecodingError.dataCorruptedError(forKey: .maxRetries, in: c, debugDescription: "expected 0 to 5")
        }
    }
}
