/// A model the gateway serves, as configured: the public name callers use, where it is served,
/// and the attributes policies and budgets read.
public struct ModelDescriptor: Sendable, Hashable, Codable {
    public var name: String
    public var provider: String
    public var upstreamModel: String
    /// `internal` (self-hosted or private tenancy) or `external` (third-party provider).
    public var hosting: String
    public var region: String?
    public var tier: String?
    /// Data classifications this model may receive (e.g. `public`, `internal`, `confidential`).
    public var allowedDataClasses: [String]
    /// Prices per million tokens, in `currency`.
    public var inputPricePerMillion: Double
    public var outputPricePerMillion: Double
    /// Prices of input written to and read from the provider's prompt cache, per million tokens (by default
    /// Anthropic's published multipliers of the input price: 1.25 and 0.1).
    public var cacheWritePricePerMillion: Double
    public var cacheReadPricePerMillion: Double
    /// Default cap on generated tokens when the caller and policy give none.
    public var maxOutputTokens: Int?

    public init(
        name: String, provider: String, upstreamModel: String, hosting: String = "external",
        region: String? = nil, tier: String? = nil, allowedDataClasses: [String] = [],
        inputPricePerMillion: Double = 0, outputPricePerMillion: Double = 0, maxOutputTokens: Int? = nil,
        cacheWritePricePerMillion: Double? = nil, cacheReadPricePerMillion: Double? = nil
    ) {
        self.name = name
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.hosting = hosting
        self.region = region
        self.tier = tier
        self.allowedDataClasses = allowedDataClasses
        self.inputPricePerMillion = inputPricePerMillion
        self.outputPricePerMillion = outputPricePerMillion
        self.cacheWritePricePerMillion = cacheWritePricePerMillion ?? inputPricePerMillion * 1.25
        self.cacheReadPricePerMillion = cacheReadPricePerMillion ?? inputPricePerMillion * 0.1
        self.maxOutputTokens = maxOutputTokens
    }
}
