import Core

/// One entry of `models:` — a public model name routed to a provider, with the attributes policies,
/// budgets and the models list read. Decodes into Core's `ModelDescriptor`.
struct ModelConfiguration: Decodable {
    let descriptor: ModelDescriptor

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, provider, hosting, region, tier
        case upstreamModel = "upstream_model"
        case allowedDataClasses = "allowed_data_classes"
        case inputPricePerMillion = "input_price_per_million"
        case outputPricePerMillion = "output_price_per_million"
        case maxOutputTokens = "max_output_tokens"
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
        descriptor = ModelDescriptor(
            name: name,
            provider: try c.decode(String.self, forKey: .provider),
            upstreamModel: try c.decodeIfPresent(String.self, forKey: .upstreamModel) ?? name,
            hosting: hosting,
            region: try c.decodeIfPresent(String.self, forKey: .region),
            tier: try c.decodeIfPresent(String.self, forKey: .tier),
            allowedDataClasses: try c.decodeIfPresent([String].self, forKey: .allowedDataClasses) ?? [],
            inputPricePerMillion: try c.decodeIfPresent(Double.self, forKey: .inputPricePerMillion) ?? 0,
            outputPricePerMillion: try c.decodeIfPresent(Double.self, forKey: .outputPricePerMillion) ?? 0,
            maxOutputTokens: maxOut)
    }
}
