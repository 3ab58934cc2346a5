/// Identifies one rate-limit bucket. The limits are part of the identity, so a policy obligation that
/// imposes a different rate gets its own bucket instead of reinterpreting another's state.
/// (A shared store keys it by `SharedKeys.bucket`: a digest of every part, length-prefixed.)
public struct BucketKey: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        case principal, group, tenant, model, principalModel, obligation, actor, principalActor
        /// One MCP tool (or prompt, or resource) of one principal: the `@requests_per_minute` of a tool call's policies.
        case tool
    }

    public internal(set) var kind: Kind
    /// Principal key, group or tenant (each qualified by its issuer), or model name.
    public internal(set) var name: HashedName
    /// The model, for per-(principal, model) buckets; the actor, for per-(principal, actor) buckets; the tool, for
    /// per-(principal, tool) buckets; empty otherwise.
    public internal(set) var model: HashedName
    public internal(set) var requestLimit: Int
    public internal(set) var tokenLimit: Int
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

/// The GCRA arithmetic on a bucket's state: one implementation for the in-memory store and the shared one.
extension BucketState {
    static func charge(
        _ state: inout BucketState, _ limits: BucketLimits, _ countRequest: Bool, _ tokens: Int, _ now: Int64
    ) -> ChargeOutcome {
        state.lastUsed = now
        if let r = limits.requests, countRequest {
            let wait = r.take(1, tat: &state.requestTAT, now: now)
            if wait > 0 { return .refused(onTokens: false, wait: wait, tooLarge: false, reading: read(state, limits, now)) }
        }
        if let t = limits.tokens {
            let wait = t.take(tokens, tat: &state.tokenTAT, now: now)
            if wait > 0 {
                if let r = limits.requests, countRequest { r.adjust(-1, tat: &state.requestTAT, now: now) }
                return .refused(onTokens: true, wait: wait, tooLarge: tokens > t.limit, reading: read(state, limits, now))
            }
        }
        return .admitted(read(state, limits, now))
    }

    static func adjust(_ state: inout BucketState, _ limits: BucketLimits, _ requests: Int, _ tokens: Int, _ now: Int64) {
        state.lastUsed = now
        if let r = limits.requests { r.adjust(requests, tat: &state.requestTAT, now: now) }
        if let t = limits.tokens { t.adjust(tokens, tat: &state.tokenTAT, now: now) }
    }

    static func read(_ state: BucketState, _ limits: BucketLimits, _ now: Int64) -> BucketReading {
        BucketReading(
            requests: limits.requests.map { $0.status(tat: state.requestTAT, now: now) },
            tokens: limits.tokens.map { $0.status(tat: state.tokenTAT, now: now) })
    }
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
