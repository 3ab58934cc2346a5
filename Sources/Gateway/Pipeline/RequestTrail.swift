import Core
import Foundation

/// Everything the pipeline learned about one request, filled in step by step and handed to the
/// recorder. Holds no token, key or detected value.
public struct RequestTrail: Sendable {
    public enum Outcome: String, Sendable {
        case allowed, refusedAuth = "refused_auth", refusedPolicy = "refused_policy", refusedLimit = "refused_limit"
        case blockedGuardrail = "blocked_guardrail", invalidRequest = "invalid_request", upstreamError = "upstream_error"
        case timeout, clientDisconnect = "client_disconnect", cacheHit = "cache_hit", controlUnavailable = "control_unavailable"
    }

    public var context: RequestContext
    public var principal: Principal?
    public var authFailure: String?
    public var operation: Core.Operation?
    public var modelRequested: String?
    public var modelServed: String?
    public var provider: String?
    public var decision: Decision?
    public var requestFindings: [Finding] = []
    public var responseFindings: [Finding] = []
    public var status: Int = 0
    public var outcome: Outcome = .allowed
    public var usage: TokenUsage?
    public var cost: Double?
    public var cacheHit = false
    public var streamed = false
    public var streamedBytes = 0
    /// SHA-256 inputs for content capture: the forwarded body and the answer as delivered.
    public var requestBody: [UInt8] = []
    public var responseBody: [UInt8] = []
    /// Monotonic timings.
    public var started: ContinuousClock.Instant = .now
    public var upstreamStarted: ContinuousClock.Instant?
    public var upstreamHeadAt: ContinuousClock.Instant?
    public var firstTokenAt: ContinuousClock.Instant?
    public var finished: ContinuousClock.Instant?

    public init(context: RequestContext) {
        self.context = context
    }

    public var totalDuration: Duration? { finished.map { $0 - started } }
    public var upstreamDuration: Duration? {
        guard let s = upstreamStarted, let e = finished else { return nil }
        return e - s
    }
    /// Time spent in the gateway itself: total minus time waiting for the provider.
    public var gatewayOverhead: Duration? {
        guard let total = totalDuration else { return nil }
        return total - (upstreamDuration ?? .zero)
    }
    public var timeToFirstToken: Duration? { firstTokenAt.map { $0 - started } }
}
