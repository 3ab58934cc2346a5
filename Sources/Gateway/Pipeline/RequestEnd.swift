import Core
import Limits

/// How a request ended, as the relays and refusals report it to the one end-of-request path
/// (`Pipeline.conclude`), which settles the admission, fills the cache, writes the end record and counts it.
struct RequestEnd: Sendable {
    var status: Int
    var outcome: RequestTrail.Outcome
    /// What the admission is settled with; nil releases the reservation unused.
    var charge: TokenUsage?
    /// An answer that passed every guardrail, for the cache.
    var cacheable: CachedAnswer?

    init(status: Int, outcome: RequestTrail.Outcome, charge: TokenUsage? = nil, cacheable: CachedAnswer? = nil) {
        self.status = status
        self.outcome = outcome
        self.charge = charge
        self.cacheable = cacheable
    }

    /// A refusal or failure described by its error.
    init(_ error: GatewayError, outcome: RequestTrail.Outcome? = nil, charge: TokenUsage? = nil) {
        self.init(status: ErrorResponse(error).status, outcome: outcome ?? Pipeline.outcome(for: error), charge: charge)
    }
}
