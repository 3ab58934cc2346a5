import Core

/// What step 5 granted: the effective output cap, the rate-limit headers for the answer, an
/// optional cache hit, and an opaque reservation the limits module settles later.
public struct Admission: Sendable {
    public var effectiveMaxTokens: Int?
    public var headers: [(String, String)]
    public var cacheHit: CachedAnswer?
    /// Limits-module state (reservation ids, cache key); opaque to the pipeline.
    public var reservation: (any Sendable)?
    /// The usage the budget reservation assumed (estimated input, every choice at the output cap): what a
    /// call is charged when the provider may have billed it but its usage cannot be known.
    public var worstCase: TokenUsage?

    public init(effectiveMaxTokens: Int? = nil, headers: [(String, String)] = [], cacheHit: CachedAnswer? = nil,
                reservation: (any Sendable)? = nil, worstCase: TokenUsage? = nil) {
        self.effectiveMaxTokens = effectiveMaxTokens
        self.headers = headers
        self.cacheHit = cacheHit
        self.reservation = reservation
        self.worstCase = worstCase
    }
}

/// A finished answer as the cache keeps it: the JSON body, or the SSE event payloads to replay.
public struct CachedAnswer: Sendable {
    public enum Body: Sendable {
        case json([UInt8])
        case events([SSEEvent])
    }
    public var body: Body
    public var usage: TokenUsage

    public init(body: Body, usage: TokenUsage) {
        self.body = body
        self.usage = usage
    }
}
