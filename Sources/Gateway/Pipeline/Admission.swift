import Core
import Limits

/// What step 5 granted: the effective output cap, the rate-limit headers for the answer, a cache hit if
/// there is one, and what the limits hold for the request until it is settled.
public struct Admission: Sendable {
    public var effectiveMaxTokens: Int?
    public var headers: [(String, String)]
    public var cacheHit: CachedAnswer?
    /// What the limits hold until the request is settled (nil when no limits module admitted it).
    public var hold: AdmissionHold?
    /// The usage the budget reservation assumed (estimated input, every choice at the output cap): what a
    /// call is charged when the provider may have billed it but its usage cannot be known.
    public var worstCase: TokenUsage?
    /// The target that served the call when a fallback did (its prices settle the budget).
    public var servedBy: ModelDescriptor?

    public init(effectiveMaxTokens: Int? = nil, headers: [(String, String)] = [], cacheHit: CachedAnswer? = nil,
                hold: AdmissionHold? = nil, worstCase: TokenUsage? = nil) {
        self.effectiveMaxTokens = effectiveMaxTokens
        self.headers = headers
        self.cacheHit = cacheHit
        self.hold = hold
        self.worstCase = worstCase
    }
}

/// The limits' side of an admission: the grant to settle or release, and where the answer may be cached.
public struct AdmissionHold: Sendable {
    public let grant: Grant
    public let cacheKey: CacheKey?
    public let cacheControl: CacheControl
}
