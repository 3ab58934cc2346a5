import Core
import Providers

/// One entry of `models:` — a public model name routed to one provider (`provider`, `upstream_model`) or to
/// an ordered list of `targets`, with the attributes policies, budgets and the models list read, and the
/// model's `retry` and `timeouts`. Decodes into a `ModelRoute` whose first target is the model's descriptor.
struct ModelConfiguration: Decodable {
    let route: ModelRoute
    var descriptor: ModelDescriptor { route.primary }
    /// Whether the entry (or any target) gives a price; a model without one costs nothing, so with budgets
    /// configured it must say `free: true` (see `GatewayConfiguration`).
    let hasPrice: Bool
    /// `free: true`: the operator states that calls to this model cost nothing against budgets.
    let free: Bool
    /// Whether the entry lists `targets` (error positions then name the target).
    let listsTargets: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, provider, hosting, region, tier
        case upstreamModel = "upstream_model"
        case allowedDataClasses = "allowed_data_classes"
        case inputPricePerMillion = "input_price_per_million"
        case outputPricePerMillion = "output_price_per_million"
        case cacheWritePricePerMillion = "cache_write_price_per_million"
        case cacheReadPricePerMillion = "cache_read_price_per_million"
        case maxOutputTokens = "max_output_tokens"
        case free, targets, retry, timeouts
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        guard !name.isEmpty, name.utf8.count <= 256 else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "expected a non-empty model name")
        }
        let maxOut = try c.decodeIfPresent(Int.self, forKey: .maxOutputTokens)
        if let maxOut, maxOut <= 0 {
            throw DecodingError.dataCorruptedError(forKey: .maxOutputTokens, in: c, debugDescription: "expected a positive integer")
        }
        free = try c.decodeIfPresent(Bool.self, forKey: .free) ?? false
        let own = try TargetAttributes(from: decoder, keys: CodingKeys.self)
        if free && own.hasPrice {
            throw DecodingError.dataCorruptedError(forKey: .free, in: c, debugDescription: "a free model has no price; remove free or the prices")
        }
        let tier = try c.decodeIfPresent(String.self, forKey: .tier)
        var targets: [ModelTarget] = []
        var anyPrice = own.hasPrice
        listsTargets = c.contains(.targets)
        if listsTargets {
            for key in [CodingKeys.provider, .upstreamModel] where c.contains(key) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "give \(key.rawValue) in each of targets, not beside them")
            }
            var list = try c.nestedUnkeyedContainer(forKey: .targets)
            guard let count = list.count, (1...16).contains(count) else {
                throw DecodingError.dataCorruptedError(forKey: .targets, in: c, debugDescription: "expected 1 to 16 targets")
            }
            var index = 0
            while !list.isAtEnd {
                let entry = try list.decode(TargetConfiguration.self)
                if free && entry.attributes.hasPrice {
                    throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.targets, AnyCodingKey(intValue: index)],
                        debugDescription: "a free model has no price; remove free or the prices"))
                }
                anyPrice = anyPrice || entry.attributes.hasPrice
                let attributes = entry.attributes.over(own)
                targets.append(ModelTarget(
                    descriptor: attributes.descriptor(name: name, provider: entry.provider, upstreamModel: entry.upstreamModel ?? name, tier: tier, maxOutputTokens: maxOut),
                    weight: entry.weight, priority: entry.priority ?? index))
                index += 1
            }
        } else {
            let provider = try c.decode(String.self, forKey: .provider)
            let upstream = try c.decodeIfPresent(String.self, forKey: .upstreamModel) ?? name
            targets = [ModelTarget(descriptor: own.descriptor(name: name, provider: provider, upstreamModel: upstream, tier: tier, maxOutputTokens: maxOut))]
        }
        hasPrice = anyPrice
        route = ModelRoute(
            name: name, targets: targets,
            retry: try c.decodeIfPresent(RetryConfiguration.self, forKey: .retry)?.policy,
            timeouts: try c.decodeIfPresent(TimeoutsConfiguration.self, forKey: .timeouts)?.timeouts ?? UpstreamTimeouts())
    }
}

/// One entry of `models[].targets`: where the model is also served, with that place's own attributes. Every
/// target states its `hosting`, so a fallback to a third party is never taken for an internal one by default.
struct TargetConfiguration: Decodable {
    let provider: String
    let upstreamModel: String?
    let attributes: TargetAttributes
    let weight: Double
    let priority: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case provider, hosting, region, weight, priority
        case upstreamModel = "upstream_model"
        case allowedDataClasses = "allowed_data_classes"
        case inputPricePerMillion = "input_price_per_million"
        case outputPricePerMillion = "output_price_per_million"
        case cacheWritePricePerMillion = "cache_write_price_per_million"
        case cacheReadPricePerMillion = "cache_read_price_per_million"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        provider = try c.decode(String.self, forKey: .provider)
        upstreamModel = try c.decodeIfPresent(String.self, forKey: .upstreamModel)
        guard c.contains(.hosting) else {
            throw DecodingError.keyNotFound(CodingKeys.hosting, .init(codingPath: c.codingPath, debugDescription: "each target states its hosting (internal or external)"))
        }
        attributes = try TargetAttributes(from: decoder, keys: CodingKeys.self)
        weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
        guard weight.isFinite, weight > 0, weight <= 1000 else {
            throw DecodingError.dataCorruptedError(forKey: .weight, in: c, debugDescription: "expected a weight > 0")
        }
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
        if let priority, !(0...100).contains(priority) {
            throw DecodingError.dataCorruptedError(forKey: .priority, in: c, debugDescription: "expected 0 to 100")
        }
    }
}

/// The attributes a target can state (hosting, region, data classes, prices); a target's unstated ones are the
/// model entry's.
struct TargetAttributes {
    var hosting: String?
    var region: String?
    var allowedDataClasses: [String]?
    var inputPrice, outputPrice, cacheWritePrice, cacheReadPrice: Double?

    var hasPrice: Bool { inputPrice != nil || outputPrice != nil || cacheWritePrice != nil || cacheReadPrice != nil }

    init<K: CodingKey & CaseIterable>(from decoder: any Decoder, keys: K.Type) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        func key(_ name: String) -> AnyCodingKey { AnyCodingKey(stringValue: name) }
        hosting = try c.decodeIfPresent(String.self, forKey: key("hosting"))
        if let hosting, !["internal", "external"].contains(hosting) {
            throw DecodingError.dataCorruptedError(forKey: key("hosting"), in: c, debugDescription: "expected internal or external")
        }
        region = try c.decodeIfPresent(String.self, forKey: key("region"))
        allowedDataClasses = try c.decodeIfPresent([String].self, forKey: key("allowed_data_classes"))
        var prices: [Double?] = []
        for name in ["input_price_per_million", "output_price_per_million", "cache_write_price_per_million", "cache_read_price_per_million"] {
            let price = try c.decodeIfPresent(Double.self, forKey: key(name))
            if let price, !(price.isFinite && price >= 0 && price < 1e9) {
                throw DecodingError.dataCorruptedError(forKey: key(name), in: c, debugDescription: "expected a price >= 0 per million tokens")
            }
            prices.append(price)
        }
        (inputPrice, outputPrice, cacheWritePrice, cacheReadPrice) = (prices[0], prices[1], prices[2], prices[3])
    }

    /// These attributes, the unstated ones taken from `defaults`. Prices are taken together: a target that
    /// states any price states its own prices (unstated ones are 0 or derived), not a mix with the model's.
    func over(_ defaults: TargetAttributes) -> TargetAttributes {
        var merged = self
        merged.hosting = hosting ?? defaults.hosting
        merged.region = region ?? defaults.region
        merged.allowedDataClasses = allowedDataClasses ?? defaults.allowedDataClasses
        if !hasPrice {
            (merged.inputPrice, merged.outputPrice, merged.cacheWritePrice, merged.cacheReadPrice) =
                (defaults.inputPrice, defaults.outputPrice, defaults.cacheWritePrice, defaults.cacheReadPrice)
        }
        return merged
    }

    func descriptor(name: String, provider: String, upstreamModel: String, tier: String?, maxOutputTokens: Int?) -> ModelDescriptor {
        ModelDescriptor(
            name: name, provider: provider, upstreamModel: upstreamModel, hosting: hosting ?? "external", region: region, tier: tier,
            allowedDataClasses: allowedDataClasses ?? [], inputPricePerMillion: inputPrice ?? 0, outputPricePerMillion: outputPrice ?? 0,
            maxOutputTokens: maxOutputTokens, cacheWritePricePerMillion: cacheWritePrice, cacheReadPricePerMillion: cacheReadPrice)
    }
}

/// `models[].retry`: calls per target (the first included) and the back-off between them.
struct RetryConfiguration: Decodable {
    let policy: RetryPolicy

    enum CodingKeys: String, CodingKey, CaseIterable {
        case attempts, backoffMs = "backoff_ms", maxBackoffMs = "max_backoff_ms", maxRetryAfterSeconds = "max_retry_after_seconds"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RetryPolicy()
        let attempts = try c.decodeIfPresent(Int.self, forKey: .attempts) ?? d.attempts
        guard (1...10).contains(attempts) else { throw DecodingError.dataCorruptedError(forKey: .attempts, in: c, debugDescription: "expected 1 to 10") }
        let base = try c.decodeIfPresent(Int.self, forKey: .backoffMs)
        let maxBackoff = try c.decodeIfPresent(Int.self, forKey: .maxBackoffMs)
        let maxAfter = try c.decodeIfPresent(Double.self, forKey: .maxRetryAfterSeconds)
        for (key, v) in [(CodingKeys.backoffMs, base), (.maxBackoffMs, maxBackoff)] {
            if let v, !(0...600_000).contains(v) { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected 0 to 600000 ms") }
        }
        if let maxAfter, !(maxAfter >= 0 && maxAfter <= 3600) {
            throw DecodingError.dataCorruptedError(forKey: .maxRetryAfterSeconds, in: c, debugDescription: "expected 0 to 3600 seconds")
        }
        policy = RetryPolicy(
            attempts: attempts, baseBackoff: base.map { .milliseconds($0) } ?? d.baseBackoff,
            maxBackoff: maxBackoff.map { .milliseconds($0) } ?? d.maxBackoff, maxRetryAfter: maxAfter.map { .seconds($0) } ?? d.maxRetryAfter)
    }
}

/// `models[].timeouts`: connect, first byte, idle gap between stream chunks, and the request's deadline.
struct TimeoutsConfiguration: Decodable {
    let timeouts: UpstreamTimeouts

    enum CodingKeys: String, CodingKey, CaseIterable {
        case connectSeconds = "connect_seconds", firstByteSeconds = "first_byte_seconds", idleSeconds = "idle_seconds"
        case totalSeconds = "total_seconds"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var values: [Duration?] = []
        for key in CodingKeys.allCases {
            let v = try c.decodeIfPresent(Double.self, forKey: key)
            if let v, !(v > 0 && v <= 86400) { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected seconds > 0") }
            values.append(v.map { .seconds($0) })
        }
        timeouts = UpstreamTimeouts(connect: values[0], firstByte: values[1], idle: values[2], total: values[3])
    }
}
