/// Token counts a provider reported (or the gateway estimated) for one call.
///
/// `inputTokens` is the input billed at the input price. Providers with prompt caching report the input
/// written to and read from their cache apart (Anthropic's `cache_creation_input_tokens` and
/// `cache_read_input_tokens`): those are priced on their own (`ModelDescriptor`), and count as input for
/// token rate limits.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// Input written to the provider's prompt cache.
    public var cacheWriteTokens: Int
    /// Input read from the provider's prompt cache.
    public var cacheReadTokens: Int
    public var totalTokens: Int { inputTokens + outputTokens + cacheWriteTokens + cacheReadTokens }

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheWriteTokens: Int = 0, cacheReadTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.cacheReadTokens = cacheReadTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try c.decode(Int.self, forKey: .inputTokens)
        outputTokens = try c.decode(Int.self, forKey: .outputTokens)
        cacheWriteTokens = try c.decodeIfPresent(Int.self, forKey: .cacheWriteTokens) ?? 0
        cacheReadTokens = try c.decodeIfPresent(Int.self, forKey: .cacheReadTokens) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputTokens, forKey: .inputTokens)
        try c.encode(outputTokens, forKey: .outputTokens)
        if cacheWriteTokens != 0 { try c.encode(cacheWriteTokens, forKey: .cacheWriteTokens) }
        if cacheReadTokens != 0 { try c.encode(cacheReadTokens, forKey: .cacheReadTokens) }
    }
}
