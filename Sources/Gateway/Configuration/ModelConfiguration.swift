import Core

/// One entry of `models:` — a public model name routed to a provider, with the attributes policies,
/// budgets and the models list read. Decodes into Core's `ModelDescriptor`.
struct ModelConfiguration: Decodable {
    let descriptor: ModelDescriptor
    /// Whether the entry gives a price (either key); a model without one costs nothing, so with budgets
    /// configured it must say `free: true` (see `GatewayConfiguration`).
    let hasPrice: Bool
    /// `free: true`: the operator states that calls to this model cost nothing against budgets.
    let free: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, provider, hosting, region, tier
        case upstreamModel = "upstream_model"
        case allowedDataClasses = "allowed_data_classes"
        case inputPricePerMillion = "input_price_per_million"
        case outputPricePerMillion = "output_price_per_million"
        case cacheWritePricePerMillion = "cache_write_price_per_million"
        case cacheReadPricePerMillion = "cache_read_price_per_million"
        case maxOutputTokens = "max_output_tokens"
        case free
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        guard !name.isEmpty, name.utf8.count <= 256 else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "expected a non-empty model name")
        }
        let hosting = try c.decodeIfPresent(String.self, forKey: .hosting) ?? "external"
        guard ["internal", "external"].contains(hosting) else {
            throw DecodingError.dataCorruptedError(forKey: .hosting, in: c, debugDescription: "expected internal or external")
        }
        let maxOut = try c.decodeIfPresent(Int.self, forKey: .maxOutputTokens)
        if let maxOut, maxOut <= 0 {
            throw DecodingError.dataCorruptedError(forKey: .maxOutputTokens, in: c, debugDescription: "expected a positive integer")
        }
        let inputPrice = try c.decodeIfPresent(Double.self, forKey: .inputPricePerMillion)
        let outputPrice = try c.decodeIfPresent(Double.self, forKey: .outputPricePerMillion)
        let cacheWritePrice = try c.decodeIfPresent(Double.self, forKey: .cacheWritePricePerMillion)
        let cacheReadPrice = try c.decodeIfPresent(Double.self, forKey: .cacheReadPricePerMillion)
        for (key, price) in [
            (CodingKeys.inputPricePerMillion, inputPrice), (.outputPricePerMillion, outputPrice),
            (.cacheWritePricePerMillion, cacheWritePrice), (.cacheReadPricePerMillion, cacheReadPrice),
        ] {
            if let price, !(price.isFinite && price >= 0 && price < 1e9) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a price >= 0 per million tokens")
            }
        }
        free = try c.decodeIfPresent(Bool.self, forKey: .free) ?? false
        hasPrice = inputPrice != nil || outputPrice != nil || cacheWritePrice != nil || cacheReadPrice != nil
        if free && hasPrice {
            throw DecodingError.dataCorruptedError(forKey: .free, in: c, debugDescription: "a free model has no price; remove free or the prices")
        }
        descriptor = ModelDescriptor(
            name: name,
            provider: try c.decode(String.self, forKey: .provider),
            upstreamModel: try c.decodeIfPresent(String.self, forKey: .upstreamModel) ?? name,
            hosting: hosting,
            region: try c.decodeIfPresent(String.self, forKey: .region),
            tier: try c.decodeIfPresent(String.self, forKey: .tier),
            allowedDataClasses: try c.decodeIfPresent([String].self, forKey: .allowedDataClasses) ?? [],
            inputPricePerMillion: inputPrice ?? 0,
            outputPricePerMillion: outputPrice ?? 0,
            maxOutputTokens: maxOut,
            cacheWritePricePerMillion: cacheWritePrice, cacheReadPricePerMillion: cacheReadPrice)
    }
}
