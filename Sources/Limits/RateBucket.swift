/// Identifies one rate-limit bucket. The limits are part of the identity, so a policy obligation that
/// imposes a different rate gets its own bucket instead of reinterpreting another's state.
struct BucketKey: Hashable, Sendable {
    enum Kind: UInt8, Sendable {
        case principal, group, tenant, model, principalModel, obligation
    }

    var kind: Kind
    /// Principal key, group, tenant or model name.
    var name: HashedName
    /// The model, for per-(principal, model) buckets; empty otherwise.
    var model: HashedName
    var requestLimit: Int
    var tokenLimit: Int
}

/// The limits a bucket enforces, computed once per rule.
struct BucketLimits: Sendable, Hashable {
    var requests: GCRA?
    var tokens: GCRA?

    init(requestsPerMinute: Int?, tokensPerMinute: Int?) {
        requests = requestsPerMinute.map(GCRA.init(perMinute:))
        tokens = tokensPerMinute.map(GCRA.init(perMinute:))
    }
}

/// The two theoretical arrival times of a bucket.
struct BucketState: Sendable {
    var requestTAT: Int64
    var tokenTAT: Int64

    /// After this instant the bucket is full again and may be forgotten.
    var idleAt: Int64 { max(requestTAT, tokenTAT) }
}

/// What a bucket looked like after (or instead of) a charge, for response headers and refusals.
struct BucketReading: Sendable {
    var requests: GCRA.Status?
    var tokens: GCRA.Status?
}

enum ChargeOutcome: Sendable {
    case admitted(BucketReading)
    /// Refused on requests (`onTokens == false`) or on tokens, with the nanoseconds to wait.
    case refused(onTokens: Bool, wait: Int64, tooLarge: Bool, reading: BucketReading)
}
