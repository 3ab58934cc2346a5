import Core
import Limits
import Providers

// The pipeline's steps, one protocol each, in the order `Pipeline` runs them (DESIGN.md).
// Control modules stay free of HTTP; `Gateway` adapts each module to its stage.

/// 1. Who is asking. No principal, no further work.
public protocol Authenticating: Sendable {
    func authenticate(_ credentials: Credentials, context: RequestContext) async throws(GatewayError) -> Principal
    /// As above, with the token bound to `audience` (an MCP resource URI, RFC 8707) instead of the gateway's
    /// configured audiences.
    func authenticate(_ credentials: Credentials, context: RequestContext, audience: String) async throws(GatewayError) -> Principal
}

extension Authenticating {
    /// An authenticator that cannot check an audience lets no one in where one is required.
    public func authenticate(_ credentials: Credentials, context: RequestContext, audience: String) async throws(GatewayError) -> Principal {
        throw .unauthenticated(description: "this authenticator cannot check the token's audience")
    }
}

/// 2. What is asked, in provider-neutral form.
public protocol Understanding: Sendable {
    /// `headers`: the API's own request headers (`APIHeaders`).
    func understand(operation: Core.Operation, body: [UInt8], headers: APIHeaders, purpose: String?, classification: String?) throws(GatewayError) -> AIRequest
}

extension Understanding {
    public func understand(operation: Core.Operation, body: [UInt8], purpose: String?, classification: String?) throws(GatewayError) -> AIRequest {
        try understand(operation: operation, body: body, headers: APIHeaders(), purpose: purpose, classification: classification)
    }
}

/// 3. What the request contains (facts, no decisions).
public protocol RequestInspecting: Sendable {
    func inspect(_ request: AIRequest) async throws(GatewayError) -> [Finding]
}

/// 4. Whether this principal may do this, and under which obligations.
public protocol Deciding: Sendable {
    func decide(_ query: PolicyQuery) async -> Decision
}

/// 5. Rate limits, budgets (reserved now, settled later) and the identity-scoped cache.
public protocol Admitting: Sendable {
    func admit(_ request: AIRequest, model: ModelDescriptor, principal: Principal, obligations: Obligations, cacheControl: String?) async throws(GatewayError) -> Admission
    /// Settles with the usage reported (or estimated); `nil` releases the reservation unused. A cache hit
    /// settles with the cached usage (rate limits count it; budgets were never charged).
    func settle(_ admission: Admission, usage: TokenUsage?) async
    /// Stores a finished answer for later hits (only answers that passed output guardrails).
    func store(_ admission: Admission, answer: CachedAnswer) async
    /// Whether `store` would keep an answer of this admission: a stream relay collects the events to
    /// cache only then.
    func willStore(_ admission: Admission) -> Bool
    /// `x-ratelimit-*` headers as the caller's buckets stand, for answers that end before admission.
    func currentHeaders(principal: Principal, model: ModelDescriptor?) async -> [(String, String)]
    /// Whether settling is a round trip to a shared store: the answer then need not wait for it.
    var settlesRemotely: Bool { get }
}

extension Admitting {
    public var settlesRemotely: Bool { false }
    public func willStore(_ admission: Admission) -> Bool { true }
    public func currentHeaders(principal: Principal, model: ModelDescriptor?) async -> [(String, String)] { [] }
}

/// 6. Rewrites the request to honour the obligations: redaction, pseudonymisation, token cap, tools; refuses
/// what the obligations do not allow (tools the provider runs that no policy names, logprobs under a profile
/// that rewrites answers).
public protocol ObligationApplying: Sendable {
    func apply(_ request: AIRequest, findings: [Finding], decision: Decision, admission: Admission) throws(GatewayError) -> PreparedRequest
}

/// 7. Sends the prepared request to the model's provider with the gateway's credential.
public protocol Forwarding: Sendable {
    /// The exact bytes the provider will receive (encoded once: the begin record hashes these, and
    /// `forward` sends them when `PreparedRequest.upstreamBody` holds them).
    /// Throws when the request cannot be translated to the provider's wire format (400).
    func upstreamBody(_ request: PreparedRequest, model: ModelDescriptor, principal: Principal) throws(GatewayError) -> [UInt8]
    /// One attempt on one target (`model` is the target's descriptor), within `limits`: retries and failover
    /// are the pipeline's.
    func forward(_ request: PreparedRequest, model: ModelDescriptor, context: RequestContext, principal: Principal, limits: AttemptLimits) async throws(GatewayError) -> UpstreamResponse
}

/// The time one attempt may take: its first-byte timeout (connect and idle come with its HTTP client) and the
/// request's deadline.
public struct AttemptLimits: Sendable {
    public var timeouts: ResolvedTimeouts?
    public var deadline: ContinuousClock.Instant?

    public init(timeouts: ResolvedTimeouts? = nil, deadline: ContinuousClock.Instant? = nil) {
        self.timeouts = timeouts
        self.deadline = deadline
    }
}

extension Forwarding {
    public func upstreamBody(_ request: PreparedRequest, model: ModelDescriptor, principal: Principal) throws(GatewayError) -> [UInt8] {
        try request.translation.request(request.request.body, defaultMaxTokens: request.request.maxTokens ?? 4096).encodedBytes()
    }
}

/// 8. Inspects answer text as it flows; one filter per text stream of the answer.
public protocol AnswerInspecting: Sendable {
    func makeFilter(for request: PreparedRequest) -> any AnswerTextFilter
}

/// 9. The audit trail: a durable begin before any provider call, an end after.
public protocol Recording: Sendable {
    func begin(_ trail: RequestTrail) async throws(GatewayError)
    func end(_ trail: RequestTrail) async
    /// Writes the end record without the caller waiting; graceful shutdown still waits for it.
    func endInBackground(_ trail: RequestTrail)
    /// One complete record for a request that never reached a provider (refusals, cache hits).
    func complete(_ trail: RequestTrail) async
    /// The complete record of an answer served without a provider call (a cache hit), written before the
    /// answer leaves: throws when it cannot be made durable and the recorder fails closed.
    func completeBeforeAnswer(_ trail: RequestTrail) async throws(GatewayError)
    /// What the recorder keeps of the answer (and so what the relay must collect for it).
    var answerCapture: AnswerCapture { get }
}

extension Recording {
    public func endInBackground(_ trail: RequestTrail) { Task { await end(trail) } }
    public func completeBeforeAnswer(_ trail: RequestTrail) async throws(GatewayError) { await complete(trail) }
    public var answerCapture: AnswerCapture { .delivered }
}
