import Core
import Limits

/// Step 5 over the `Limits` module: identity-scoped cache lookup (after the decision, never before),
/// then rate limits and budget reservation — a cache hit counts against rate limits, not budgets.
struct LimitsStage: Admitting {
    let control: AdmissionControl
    let cache: ResponseCache

    struct Reservation: Sendable {
        let admission: Limits.Admission
        let cacheKey: CacheKey?
        let control: CacheControl
    }

    func admit(_ request: AIRequest, model: ModelDescriptor, principal: Principal, obligations: Obligations, cacheControl: String?) async throws(GatewayError) -> Admission {
        let cacheControl = CacheControl(header: cacheControl)
        var key: CacheKey?
        var hit: CachedResponse?
        if cache.isEnabled {
            let scope = CacheScope.permitted(for: principal, obligations: obligations)
            let k = cache.key(scope: scope, model: model.name, operation: request.operation, body: request.body, obligations: obligations)
            key = k
            // A hit is replayed in the form it was stored: a stream only for a stream request.
            hit = cache.lookup(k, control: cacheControl).flatMap { cached in
                switch cached.payload {
                case .complete: request.stream ? nil : cached
                case .stream: request.stream ? cached : nil
                }
            }
        }
        let granted: Limits.Admission
        let choices = Self.choices(request)
        do {
            granted = try control.admit(
                principal: principal, model: model, estimatedInputTokens: request.estimatedInputTokens,
                maxTokens: request.maxTokens, obligations: obligations, chargeBudget: hit == nil, choices: choices)
        } catch {
            throw .limited(type: error.errorType, code: error.errorCode, message: error.message, retryAfterSeconds: error.retryAfterSeconds, headers: error.headers)
        }
        let cached = hit.map { h -> CachedAnswer in
            switch h.payload {
            case .complete(let body): CachedAnswer(body: .json(body), usage: h.usage)
            case .stream(let events): CachedAnswer(body: .events(events.compactMap(Self.decodeEvent)), usage: h.usage)
            }
        }
        let (worstOutput, overflow) = granted.maxTokens.multipliedReportingOverflow(by: choices)
        return Admission(
            effectiveMaxTokens: request.operation == .embeddings ? nil : granted.maxTokens, headers: granted.headers,
            cacheHit: cached, reservation: Reservation(admission: granted, cacheKey: key, control: cacheControl),
            worstCase: TokenUsage(inputTokens: request.estimatedInputTokens, outputTokens: overflow ? Int.max / 4 : worstOutput))
    }

    /// Answers the call asks for (chat's `n`, validated by its dialect); each may use the whole output cap.
    static func choices(_ request: AIRequest) -> Int { max(1, request.choices) }

    func currentHeaders(principal: Principal, model: ModelDescriptor?) async -> [(String, String)] {
        control.currentHeaders(for: principal, model: model)
    }

    func settle(_ admission: Admission, usage: TokenUsage?) async {
        guard let r = admission.reservation as? Reservation else { return }
        if let usage { control.settle(r.admission, usage: usage) } else { control.release(r.admission) }
    }

    func willStore(_ admission: Admission) -> Bool {
        guard let r = admission.reservation as? Reservation, r.cacheKey != nil else { return false }
        return cache.accepts(r.control)
    }

    func store(_ admission: Admission, answer: CachedAnswer) async {
        guard let r = admission.reservation as? Reservation, let key = r.cacheKey else { return }
        let payload: CachedResponse.Payload = switch answer.body {
        case .json(let bytes): .complete(body: bytes)
        case .events(let events): .stream(events: events.map { $0.encoded() })
        }
        _ = cache.store(key, CachedResponse(payload: payload, usage: answer.usage), control: r.control)
    }

    /// Cached stream events are kept in wire form; frame them back.
    static func decodeEvent(_ bytes: [UInt8]) -> SSEEvent? {
        var framer = SSEFramer()
        return (try? framer.push(bytes))?.first
    }
}
