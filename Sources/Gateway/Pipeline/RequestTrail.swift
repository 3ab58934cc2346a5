import Audit
import Core
import Foundation
import Guardrails

/// Everything the pipeline learned about one request, filled in step by step and handed to the
/// recorder. Holds no token or key; the request and answer it keeps for content capture are only read
/// by the recorder, which hashes, redacts or seals them as `audit.content` says.
public struct RequestTrail: Sendable {
    public enum Outcome: String, Sendable {
        case allowed, refusedAuth = "refused_auth", refusedPolicy = "refused_policy", refusedLimit = "refused_limit"
        case blockedGuardrail = "blocked_guardrail", invalidRequest = "invalid_request", upstreamError = "upstream_error"
        case timeout, clientDisconnect = "client_disconnect", cacheHit = "cache_hit", controlUnavailable = "control_unavailable"
        case refusedIntegrity = "refused_integrity"
    }

    /// The provider's answer as it arrived, before response guardrails rewrote it or restored pseudonyms
    /// (kept only when the recorder asks for it: `AnswerCapture.providerAnswer`).
    public enum ProviderAnswer: Sendable {
        case json([UInt8])
        case events([SSEEvent])
    }

    /// The key of this request's audit trail: generated here, unique, never taken from the caller.
    public let trailID: String
    public var context: RequestContext
    public var principal: Principal?
    public var authFailure: String?
    /// Why a request that was not authenticated was refused otherwise (e.g. `request_too_large`).
    public var refusalReason: String?
    public var operation: Core.Operation?
    public var modelRequested: String?
    public var modelServed: String?
    /// The model the request was routed to (its prices give the cost).
    public var model: ModelDescriptor?
    /// The wire format the provider was called in (`WireFormat` raw value), once routed.
    public var upstreamFormat: String?
    public var provider: String?
    /// Every call made to a provider for this request, in order (failed ones, then the one that served).
    public var attempts: [AuditAttempt] = []
    /// For an MCP call: server, method, tool and the digests of definition, arguments and result.
    public var mcp: AuditMCPCall?
    public var decision: Decision?
    public var requestFindings: [Finding] = []
    public var answerFindings: [Finding] = []
    public var status: Int = 0
    public var outcome: Outcome = .allowed
    /// True once the durable begin record is written: the trail then ends with an end record.
    public var begun = false
    /// What was removed from the answer because its API's dialect does not declare it (field templates such
    /// as `choices[].message.foo`, or `event <type>`).
    public var droppedAnswerFields: [String] = []
    public var usage: TokenUsage?
    public var cacheHit = false
    public var streamed = false
    public var streamedBytes = 0
    /// Content capture inputs: the forwarded body and the answer as delivered (`hash`, `encrypted`)...
    public var requestBody: [UInt8] = []
    public var answerBody: [UInt8] = []
    /// ...or, for a relayed stream when the recorder keeps only digests, the digest of what was delivered.
    public var answerDigest: ContentDigest?
    /// ...and for `redacted`: the request as received and as forwarded (finding offsets refer to the
    /// first), and the provider's answer.
    public var receivedRequest: AIRequest?
    public var forwardedRequest: AIRequest?
    /// The placeholders the request's guardrails handed out (with their categories; kept in memory only).
    public var vault: PseudonymVault?
    public var providerAnswer: ProviderAnswer?
    /// Monotonic timings.
    public var started: ContinuousClock.Instant = .now
    public var upstreamStarted: ContinuousClock.Instant?
    public var upstreamHeadAt: ContinuousClock.Instant?
    public var firstTokenAt: ContinuousClock.Instant?
    public var finished: ContinuousClock.Instant?
    /// The request's span and its steps' (nothing when tracing is off); ended by `Pipeline.conclude`.
    var trace: RequestTrace = .off

    public init(context: RequestContext, trailID: String = TrailID.make()) {
        self.context = context
        self.trailID = trailID
    }

    /// The settled cost: usage × the model's prices per million tokens, rounded up to 10⁻⁹ of the currency
    /// exactly as the budget ledger settles it (`TokenPrice`). A cache hit costs nothing (no provider
    /// call, no budget charge); nil when there is no usage (refusals, failed calls: nothing was settled).
    public var cost: Double? {
        guard let usage, let model else { return nil }
        if cacheHit { return 0 }
        let nanos = TokenPrice(model).costNanos(usage)
        return Double(nanos) / 1e9
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
