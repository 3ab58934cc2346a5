import Providers

/// Settings of the fake LLM. Every per-request knob (chunk size, chunk delay, errors) can also be overridden
/// per request by header or model-name option; see `MockUpstream.swift` for the full list.
public struct MockUpstreamConfiguration: Sendable, Equatable {
    /// Address to bind. Loopback by default: the mock is a test double, not a service.
    public var host: String
    /// Port to bind; 0 picks a free port (read it back from `onServerRunning`).
    public var port: Int
    /// Milliseconds added before every API response (the benchmark baseline uses 0 and 50).
    public var latencyMs: Int
    /// Unicode scalars per streamed delta; also the unit of `completion_tokens` and of `max_tokens` truncation.
    public var chunkSize: Int
    /// Milliseconds between streamed deltas.
    public var chunkDelayMs: Int
    /// When set, every API route requires this key (`Authorization: Bearer`, `api-key` or `x-api-key`;
    /// Azure-style paths accept only `api-key`). The resolved value, not a reference: the CLI resolves
    /// `--api-key env:NAME` before building the configuration.
    public var apiKey: String?
    /// How many received requests `GET /mock/requests` keeps (oldest dropped first); 0 records nothing.
    public var recordLimit: Int
    /// Model ids listed by `GET /v1/models`. Any model name is accepted by the other routes.
    public var models: [String]
    /// Largest request body accepted, in bytes; larger bodies get 413.
    public var maxBodyBytes: Int
    /// The AWS test credentials the Bedrock routes verify SigV4 signatures against (besides the
    /// temporary credentials `POST /sts` issued); see `BedrockAccess`.
    public var aws: AWSAccess

    /// SigV4 and STS settings of the Bedrock routes. Defaults: the AWS documentation's example keys.
    public struct AWSAccess: Sendable, Equatable {
        public var accessKeyID: String
        public var secretAccessKey: String
        /// When set, `POST /sts` requires exactly this web identity token; otherwise any non-empty one.
        public var expectedWebIdentityToken: String?
        /// Lifetime of issued credentials when the request names no `DurationSeconds`.
        public var defaultDurationSeconds: Int
        /// Largest accepted difference between `x-amz-date` and the mock's clock.
        public var maxClockSkewSeconds: Int

        public init(
            accessKeyID: String = "AKIDEXAMPLE", secretAccessKey: String = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            expectedWebIdentityToken: String? = nil, defaultDurationSeconds: Int = 3600, maxClockSkewSeconds: Int = 300
        ) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.expectedWebIdentityToken = expectedWebIdentityToken
            self.defaultDurationSeconds = defaultDurationSeconds
            self.maxClockSkewSeconds = maxClockSkewSeconds
        }
    }

    /// The key the Gemini API routes require in `x-goog-api-key`; nil: `apiKey`; neither: any key.
    public var googleAPIKey: String?
    /// The service account whose RS256 assertions `POST /token` accepts (its public key and client email);
    /// nil: every grant is refused, so Vertex AI routes answer 401.
    public var googleServiceAccount: ServiceAccountKey?
    /// `expires_in` of the access tokens `POST /token` issues (short values exercise client refresh).
    public var googleTokenLifetimeSeconds: Int
    /// The MCP server at `/mcp`: its token and whether `lookup_order` starts changed (see `MCPSettings`).
    public var mcp: MCPSettings

    public static let defaultModels = [
        "mock-gpt", "mock-gpt-mini", "mock-claude", "mock-embedding", "mock-slow", "mock-cut", "mock-error-500",
    ]

    public init(
        host: String = "127.0.0.1",
        port: Int = 8090,
        latencyMs: Int = 0,
        chunkSize: Int = 4,
        chunkDelayMs: Int = 0,
        apiKey: String? = nil,
        recordLimit: Int = 200,
        models: [String] = MockUpstreamConfiguration.defaultModels,
        maxBodyBytes: Int = 32 << 20,
        aws: AWSAccess = .init(),
        googleAPIKey: String? = nil,
        googleServiceAccount: ServiceAccountKey? = nil,
        googleTokenLifetimeSeconds: Int = 3600,
        mcp: MCPSettings = .init()
    ) {
        self.host = host
        self.port = port
        self.latencyMs = max(0, latencyMs)
        self.chunkSize = max(1, chunkSize)
        self.chunkDelayMs = max(0, chunkDelayMs)
        self.apiKey = apiKey
        self.recordLimit = max(0, recordLimit)
        self.models = models
        self.maxBodyBytes = max(1024, maxBodyBytes)
        self.aws = aws
        self.googleAPIKey = googleAPIKey
        self.googleServiceAccount = googleServiceAccount
        self.googleTokenLifetimeSeconds = max(1, googleTokenLifetimeSeconds)
        self.mcp = mcp
    }
}
