/// Identifies one rate-limit bucket. The limits are part of the identity, so a policy obligation that
/// imposes a different rate gets its own bucket instead of reinterpreting another's state.
public struct BucketKey: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable {
        case principal, group, tenant, model, principalModel, obligation, actor, principalActor
    }

    public internal(set) var kind: Kind
    /// Principal key, group or tenant (each qualified by its issuer), or model name.
    public internal(set) var name: HashedName
    /// The model, for per-(principal, model) buckets; the actor, for per-(principal, actor) buckets; empty otherwise.
    public internal(set) var model: HashedName
    public internal(set) var requestLimit: Int
    public internal(set) var tokenLimit: Int

    /// A stable text form, e.g. for a shared store's key (contains identity names: do not log it).
    public var description: String {
        "\(kind.rawValue)|\(requestLimit)|\(tokenLimit)|\(name.issuer.utf8.count):\(name.issuer)|\(name.text.utf8.count):\(name.text)|\(model.text)"
    }
}

/// The limits a bucket enforces, computed once per rule.
public struct BucketLimits: Sendable, Hashable {
    public internal(set) var requests: GCRA?
    public internal(set) var tokens: GCRA?

    init(requestsPerMinute: Int?, tokensPerMinute: Int?) {
        requests = requestsPerMinute.map(GCRA.init(perMinute:))
        tokens = tokensPerMinute.map(GCRA.init(perMinute:))
    }
}

/// The two theoretical arrival times of a bucket.
/// (The in-memory store's; a shared store keeps the same two numbers its own way.)
struct BucketState: Sendable {
    var requestTAT: Int64
    var tokenTAT: Int64
    /// When the bucket was last charged or adjusted, for least-recently-used eviction.
    var lastUsed: Int64

    init(requestTAT: Int64, tokenTAT: Int64, lastUsed: Int64? = nil) {
        self.requestTAT = requestTAT
        self.tokenTAT = tokenTAT
        self.lastUsed = lastUsed ?? max(requestTAT, tokenTAT)
    }

    /// After this instant the bucket is full again and may be forgotten.
    var idleAt: Int64 { max(requestTAT, tokenTAT) }
}

/// What a bucket looked like after (or instead of) a charge, for response headers and refusals.
public struct BucketReading: Sendable {
    public var requests: GCRA.Status?
    public var tokens: GCRA.Status?

    public init(requests: GCRA.Status?, tokens: GCRA.Status?) {
        self.requests = requests
        self.tokens = tokens
    }
}

public enum ChargeOutcome: Sendable {
    case admitted(BucketReading)
    /// Refused on requests (`onTokens == false`) or on tokens, with the nanoseconds to wait.
    case refused(onTokens: Bool, wait: Int64, tooLarge: Bool, reading: BucketReading)
}
