import Core
import struct Foundation.Date

/// One entry of the audit trail. A request leaves either a `begin` and later an `end` (or `aborted`)
/// record, or a single `complete` record when it was refused before reaching a provider.
///
/// The gateway fills in what it knows; the trail assigns `sequence` and `time` when it writes the record,
/// and turns `requestBody` / `responseBody` into `content` according to the configured capture mode.
/// Everything except the two body fields goes into the hashed canonical encoding (see `docs/audit.md`).
public struct AuditRecord: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Hashable, Codable, CaseIterable {
        case begin, end, complete, aborted
    }

    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        case allowed
        case refusedAuth = "refused_auth"
        case refusedPolicy = "refused_policy"
        case refusedLimit = "refused_limit"
        case blockedGuardrail = "blocked_guardrail"
        case upstreamError = "upstream_error"
        case timeout
        case clientDisconnect = "client_disconnect"
        case cacheHit = "cache_hit"
        case aborted
        /// The request could not be understood (400) — recorded like any other refusal.
        case invalidRequest = "invalid_request"
        /// A control (the audit store included) could not run, so the gateway failed closed (503).
        case controlUnavailable = "control_unavailable"
    }

    /// UTC time the trail wrote the record (assigned by the trail).
    public var time: Date
    /// Position in the chain, from 1 (assigned by the trail).
    public var sequence: Int
    public var requestID: String
    public var phase: Phase
    /// Who asked; nil when authentication failed (see `refusalReason`).
    public var principal: AuditPrincipal?
    /// Why the request was refused (e.g. `missing_credentials`, `invalid_token`, `policy_denied`), if it was.
    public var refusalReason: String?
    public var clientIP: String?
    /// The Core `Operation` raw value (`chat.completions`...) or, for unparsed calls, the route.
    public var action: String
    public var route: String?
    /// Declared purpose and data classification (`x-portcullis-purpose`, `x-portcullis-data-classification`).
    public var purpose: String?
    public var dataClassification: String?
    public var modelRequested: String?
    public var modelServed: String?
    public var provider: String?
    public var decision: AuditDecision?
    public var obligations: AppliedObligations?
    public var findings: [AuditFinding]
    /// HTTP status returned to the client.
    public var status: Int?
    public var usage: TokenUsage?
    /// Cost of the call in the configured currency.
    public var cost: Double?
    public var latency: AuditLatency?
    public var cacheHit: Bool?
    public var streamedBytes: Int?
    public var outcome: Outcome?
    /// What the trail kept of the bodies (digests, redacted text or ciphertext reference).
    public internal(set) var content: CapturedContent?

    /// Input only: the request body as forwarded (begin/complete), or after redaction in `redacted` mode.
    /// Never stored as given, never part of the canonical encoding.
    public var requestBody: [UInt8]?
    /// Input only: the response body as returned (end/complete). Never stored as given.
    public var responseBody: [UInt8]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case time, sequence, phase, principal, action, route, provider, decision, obligations, findings, status
        case usage, cost, latency, outcome, content, purpose
        case dataClassification = "data_classification"
        case requestID = "request_id"
        case refusalReason = "refusal_reason"
        case clientIP = "client_ip"
        case modelRequested = "model_requested"
        case modelServed = "model_served"
        case cacheHit = "cache_hit"
        case streamedBytes = "streamed_bytes"
    }

    public init(
        requestID: String, phase: Phase, action: String, principal: AuditPrincipal? = nil,
        refusalReason: String? = nil, clientIP: String? = nil, route: String? = nil,
        modelRequested: String? = nil, modelServed: String? = nil, provider: String? = nil,
        decision: AuditDecision? = nil, obligations: AppliedObligations? = nil, findings: [AuditFinding] = [],
        status: Int? = nil, usage: TokenUsage? = nil, cost: Double? = nil, latency: AuditLatency? = nil,
        cacheHit: Bool? = nil, streamedBytes: Int? = nil, outcome: Outcome? = nil,
        requestBody: [UInt8]? = nil, responseBody: [UInt8]? = nil
    ) {
        self.time = Date(timeIntervalSince1970: 0)
        self.sequence = 0
        self.requestID = requestID
        self.phase = phase
        self.action = action
        self.principal = principal
        self.refusalReason = refusalReason
        self.clientIP = clientIP
        self.route = route
        self.modelRequested = modelRequested
        self.modelServed = modelServed
        self.provider = provider
        self.decision = decision
        self.obligations = obligations
        self.findings = findings
        self.status = status
        self.usage = usage
        self.cost = cost
        self.latency = latency
        self.cacheHit = cacheHit
        self.streamedBytes = streamedBytes
        self.outcome = outcome
        self.requestBody = requestBody
        self.responseBody = responseBody
    }

    /// Convenience: a record for `context`, with action and client IP taken from it.
    public init(phase: Phase, context: RequestContext, operation: Operation?, principal: Principal?) {
        self.init(
            requestID: context.requestID, phase: phase, action: operation?.rawValue ?? context.route,
            principal: principal.map(AuditPrincipal.init), clientIP: context.clientIP,
            route: context.route.isEmpty ? nil : context.route)
    }
}
