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
    /// Default cap on generated tokens when the caller and policy give none.
    public var maxOutputTokens: Int?

    public init(
        name: String, provider: String, upstreamModel: String, hosting: String = "external",
        region: String? = nil, tier: String? = nil, allowedDataClasses: [String] = [],
        inputPricePerMillion: Double = 0, outputPricePerMillion: Double = 0, maxOutputTokens: Int? = nil
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
        self.maxOutputTokens = maxOutputTokens
    }
}
