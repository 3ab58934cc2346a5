import Core

/// The `limits:` section of `portcullis.yaml`: rate limits, budgets and the response cache.
public struct LimitsConfiguration: Codable, Sendable, Hashable {
    public var rateLimits: [RateLimitRule]
    public var budgets: [BudgetRule]
    /// ISO 4217 code the model prices and budgets are expressed in (default `USD`).
    public var currency: String
    public var cache: CacheConfiguration
    /// Upper bound on rate-limit buckets held in memory (default 100 000); idle ones are evicted first.
    public var maxKeys: Int
    /// Output cap reserved and forwarded when neither the caller, the policy nor the model sets one.
    public var defaultMaxTokens: Int
    /// An admission neither settled nor released after this long is closed at its reserved worst case
    /// (default 3600 s); keep it above the longest stream allowed.
    public var reservationTimeoutSeconds: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rateLimits = "rate_limits"
        case budgets, currency, cache
        case maxKeys = "max_keys"
        case defaultMaxTokens = "default_max_tokens"
        case reservationTimeoutSeconds = "reservation_timeout_seconds"
    }

    public init(
        rateLimits: [RateLimitRule] = [], budgets: [BudgetRule] = [], currency: String = "USD",
        cache: CacheConfiguration = CacheConfiguration(), maxKeys: Int = 100_000, defaultMaxTokens: Int = 4096,
        reservationTimeoutSeconds: Int = 3600
    ) {
        self.rateLimits = rateLimits
        self.budgets = budgets
        self.currency = currency
        self.cache = cache
        self.maxKeys = max(1, maxKeys)
        self.defaultMaxTokens = max(1, defaultMaxTokens)
        self.reservationTimeoutSeconds = max(1, reservationTimeoutSeconds)
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rateLimits = try c.decodeIfPresent([RateLimitRule].self, forKey: .rateLimits) ?? []
        budgets = try c.decodeIfPresent([BudgetRule].self, forKey: .budgets) ?? []
        currency = try c.decodeIfPresent(String.self, forKey: .currency) ?? "USD"
        cache = try c.decodeIfPresent(CacheConfiguration.self, forKey: .cache) ?? CacheConfiguration()
        maxKeys = try c.decodeIfPresent(Int.self, forKey: .maxKeys) ?? 100_000
        defaultMaxTokens = try c.decodeIfPresent(Int.self, forKey: .defaultMaxTokens) ?? 4096
        reservationTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .reservationTimeoutSeconds) ?? 3600
        try LimitsConfigurationError.check(
            currency.count == 3 && currency.allSatisfy { $0.isASCII && $0.isUppercase },
            "expected an ISO 4217 code such as USD", key: .currency, in: c)
        try LimitsConfigurationError.check(maxKeys > 0, "expected a positive integer", key: .maxKeys, in: c)
        try LimitsConfigurationError.check(defaultMaxTokens > 0, "expected a positive integer", key: .defaultMaxTokens, in: c)
        try LimitsConfigurationError.check(
            reservationTimeoutSeconds > 0, "expected a positive integer", key: .reservationTimeoutSeconds, in: c)
    }
}

/// The `limits.cache:` section.
public struct CacheConfiguration: Codable, Sendable, Hashable {
    /// Off by default: an exact-match cache returns the same answer to the same question, which is
    /// only right where operators want it.
    public var enabled: Bool
    public var ttlSeconds: Int
    public var maxEntries: Int
    public var maxBytes: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case ttlSeconds = "ttl_seconds"
        case maxEntries = "max_entries"
        case maxBytes = "max_bytes"
    }

    public init(enabled: Bool = false, ttlSeconds: Int = 300, maxEntries: Int = 10_000, maxBytes: Int = 64 << 20) {
        self.enabled = enabled
        self.ttlSeconds = max(1, ttlSeconds)
        self.maxEntries = max(1, maxEntries)
        self.maxBytes = max(1, maxBytes)
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        ttlSeconds = try c.decodeIfPresent(Int.self, forKey: .ttlSeconds) ?? 300
        maxEntries = try c.decodeIfPresent(Int.self, forKey: .maxEntries) ?? 10_000
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes) ?? 64 << 20
        try LimitsConfigurationError.check(ttlSeconds > 0, "expected a positive integer", key: .ttlSeconds, in: c)
        try LimitsConfigurationError.check(maxEntries > 0, "expected a positive integer", key: .maxEntries, in: c)
        try LimitsConfigurationError.check(maxBytes > 0, "expected a positive integer", key: .maxBytes, in: c)
    }
}
