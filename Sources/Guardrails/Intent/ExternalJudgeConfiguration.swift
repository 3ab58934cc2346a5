import Core

/// An external judge: an OpenAI-compatible `/v1/moderations` endpoint or a Llama-Guard-style chat
/// completions endpoint, asked about each user message (`intent.judge` in the configuration).
public struct ExternalJudgeConfiguration: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case moderation, chat }
    /// What to do when the judge cannot answer in time (or errs): `closed` blocks, `open` lets it pass.
    public enum FailMode: String, Codable, Sendable { case closed, open }

    /// Full endpoint URL, e.g. `http://guard.internal:8000/v1/moderations` or `.../v1/chat/completions`.
    public var url: String
    public var kind: Kind
    /// Model name sent in the request (`omni-moderation-latest`, `llama-guard-3-8b`, ...).
    public var model: String?
    /// Bearer token, by reference (`env:NAME` / `file:/path`).
    public var apiKey: SecretReference?
    public var timeoutMilliseconds: Int
    public var fail: FailMode

    public init(
        url: String, kind: Kind = .moderation, model: String? = nil, apiKey: SecretReference? = nil,
        timeoutMilliseconds: Int = 1000, fail: FailMode = .closed
    ) {
        self.url = url
        self.kind = kind
        self.model = model
        self.apiKey = apiKey
        self.timeoutMilliseconds = timeoutMilliseconds
        self.fail = fail
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, kind, model, fail
        case apiKey = "api_key"
        case timeoutMilliseconds = "timeout_ms"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .moderation
        model = try c.decodeIfPresent(String.self, forKey: .model)
        apiKey = try c.decodeIfPresent(SecretReference.self, forKey: .apiKey)
        timeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? 1000
        fail = try c.decodeIfPresent(FailMode.self, forKey: .fail) ?? .closed
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw DecodingError.dataCorruptedError(forKey: .url, in: c, debugDescription: "judge url must be http(s)")
        }
        guard (1...60_000).contains(timeoutMilliseconds) else {
            throw DecodingError.dataCorruptedError(
                forKey: .timeoutMilliseconds, in: c, debugDescription: "timeout_ms must be between 1 and 60000")
        }
    }
}
