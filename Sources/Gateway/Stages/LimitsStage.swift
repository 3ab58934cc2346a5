import Core
import Limits

/// Step 5 over the `Limits` module: identity-scoped cache lookup (after the decision, never before),
/// then rate limits and budget reservation — a cache hit counts against rate limits, not budgets. When the
/// limits store cannot answer, the call is refused as a control that is unavailable (503); the cache's store
/// failing is only a miss.
struct LimitsStage: Admitting {
    let control: AdmissionControl
    let cache: AnswerCache
    /// Models with a target whose provider gets a user-bound credential (token exchange): what such an upstream
    /// answers may depend on who asked, so their answers are cached for the principal only, whatever a policy's
    /// `cacheScope` allows.
    var userBoundModels: Set<String> = []

    func admit(_ request: AIRequest, model: ModelDescriptor, principal: Principal, obligations: Obligations, cacheControl: String?) async throws(GatewayError) -> Admission {
        let cacheControl = CacheControl(header: cacheControl)
        var key: CacheKey?
        var hit: CachedAnswer?
        if cache.isEnabled {
            let scope = userBoundModels.contains(model.name)
                ? CachePartition.principal(principal) : CachePartition.permitted(for: principal, obligations: obligations)
            let k = cache.key(scope: scope, model: model.name, operation: request.operation, body: request.body, obligations: obligations)
            key = k
            // A hit is replayed in the form it was stored: a stream only for a stream request.
            hit = await cache.lookup(k, control: cacheControl).flatMap { cached in
                switch cached.payload {
                case .complete: request.stream ? nil : cached
                case .stream: request.stream ? cached : nil
                }
            }
        }
        let granted: Grant
        let choices = Self.choices(request)
        do {
            granted = try await control.admit(
                principal: principal, model: model, estimatedInputTokens: request.estimatedInputTokens,
                maxTokens: request.maxTokens, obligations: obligations, chargeBudget: hit == nil, choices: choices)
        } catch {
            if error.isUnavailable { throw .controlUnavailable(control: "limits") }
            throw .limited(type: error.errorType, code: error.errorCode, message: error.message, retryAfterSeconds: error.retryAfterSeconds, headers: error.headers)
        }
        let (worstOutput, overflow) = granted.maxTokens.multipliedReportingOverflow(by: choices)
        return Admission(
            effectiveMaxTokens: request.operation == .embeddings ? nil : granted.maxTokens, headers: granted.headers,
            cacheHit: hit, hold: AdmissionHold(grant: granted, cacheKey: key, cacheControl: cacheControl),
            worstCase: TokenUsage(inputTokens: request.estimatedInputTokens, outputTokens: overflow ? Int.max / 4 : worstOutput))
    }

    /// Answers the call asks for (chat's `n`, validated by its dialect); each may use the whole output cap.
    static func choices(_ request: AIRequest) -> Int { max(1, request.choices) }

    func currentHeaders(principal: Principal, model: ModelDescriptor?) async -> [(String, String)] {
        await control.currentHeaders(for: principal, model: model)
    }

    var settlesRemotely: Bool { control.storesAreRemote }

    func settle(_ admission: Admission, usage: TokenUsage?) async {
        guard let hold = admission.hold else { return }
        if let usage {
            await control.settle(hold.grant, usage: usage, servedBy: admission.servedBy)
        } else {
            await control.release(hold.grant)
        }
    }

    func willStore(_ admission: Admission) -> Bool {
        guard let hold = admission.hold, hold.cacheKey != nil else { return false }
        return cache.accepts(hold.cacheControl)
    }

    func store(_ admission: Admission, answer: CachedAnswer) async {
        guard let hold = admission.hold, let key = hold.cacheKey else { return }
        await cache.store(key, answer, control: hold.cacheControl)
    }
}
