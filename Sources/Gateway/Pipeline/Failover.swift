import Audit
import Core
import Crypto
import Identity
import Providers

/// A model target ready to be called: its descriptor and provider, the request as prepared under the decision
/// that permitted it there, and the translation to the provider's wire format.
struct Serving: Sendable {
    var target: ModelTarget
    var client: ProviderClient
    var decision: Decision
    var prepared: PreparedRequest
}

/// How the provider calls of one request ended.
enum ServingResult {
    /// A provider answered, and this is the answer to relay: a success, a status that is not worth another
    /// try (a 4xx other than 429), or the last 429/5xx when every target failed that way.
    case answered(UpstreamResponse, Serving)
    /// No answer to relay; `charge`: the provider may have billed a call that timed out.
    case failed(GatewayError, charge: Bool)
}

extension Pipeline {
    /// Step 7 with resilience: the targets in `order` are tried one after another — each retried as its retry
    /// policy allows, skipped while its circuit is open — until one answers. Nothing has been relayed to the
    /// caller before this returns, so every failover happens before the first byte. A fallback target is a new
    /// decision: policy sees its attributes with the same findings (a `forbid` stands), its obligations are
    /// applied afresh, and its body is built in its provider's wire format. Every attempt is noted in the trail.
    func serve(
        _ first: Serving, after order: [ModelTarget], route: ModelRoute, request: AIRequest, findings: [Finding],
        call: IncomingCall, principal: Principal, admission: Admission, deadline: ContinuousClock.Instant?, trail: inout RequestTrail
    ) async -> ServingResult {
        var lastAnswer: (UpstreamResponse, Serving)?
        var lastError: GatewayError = .upstream(.circuitOpen(provider: first.client.name, retryAfterSeconds: 1))
        var timedOutCall = false
        targets: for (index, target) in ([first.target] + order).enumerated() {
            let serving: Serving
            if index == 0 {
                serving = first
            } else {
                guard let prepared = await fallback(target, route: route, request: request, findings: findings, call: call,
                                                    principal: principal, admission: admission, trail: &trail) else { continue }
                serving = prepared
            }
            let breaker = models.breakers[target.upstreamKey]
            let retry = route.retryPolicy(on: serving.client.configuration)
            let limits = AttemptLimits(timeouts: route.timeouts.resolved(with: serving.client.configuration), deadline: deadline)
            // A fallback's body differs from the one the begin record covers: its digest goes with its attempts.
            let digest = index == 0 ? nil : serving.prepared.upstreamBody.map { Hex.encode(SHA256.hash(data: $0)) }
            var tries = 0
            while true {
                tries += 1
                if let deadline, ContinuousClock.now >= deadline {
                    trail.attempts.append(Self.attempt(target, "deadline_exceeded"))
                    if lastAnswer == nil { lastError = .upstream(.timeout(provider: serving.client.name)) }
                    break targets
                }
                var probe = false
                if let breaker {
                    switch breaker.admit() {
                    case .go(let isProbe): probe = isProbe
                    case .skip(let wait):
                        trail.attempts.append(Self.attempt(target, "circuit_open"))
                        metrics.countAttempt(target.upstreamKey, outcome: "circuit_open")
                        if lastAnswer == nil, !Self.hasProviderError(lastError) {
                            lastError = .upstream(.circuitOpen(provider: serving.client.name, retryAfterSeconds: Int(wait.wholeMilliseconds / 1000) + 1))
                        }
                        continue targets
                    }
                }
                let started = ContinuousClock.now
                let response: UpstreamResponse
                do {
                    response = try await trail.trace.forward(provider: GenAINames.provider(serving.client.configuration.kind), model: target.descriptor.upstreamModel) { () async throws(GatewayError) -> UpstreamResponse in
                        try await forward.forward(serving.prepared, model: target.descriptor, context: call.context, principal: principal, limits: limits)
                    }
                } catch {
                    let outcome = Self.outcome(of: error)
                    trail.attempts.append(Self.attempt(target, outcome, started: started, digest: digest))
                    metrics.countAttempt(target.upstreamKey, outcome: outcome)
                    if Self.isCredentialRefusal(error) {
                        // No token for the call (`token_exchange`): nothing was sent, the provider is not at fault.
                        if probe { breaker?.cancelProbe() }
                        return .failed(error, charge: timedOutCall)
                    }
                    guard Self.mayTryAgain(error) else {
                        // The provider may have the request (a reset after sending, an unusable answer): never sent twice.
                        breaker?.recordFailure(probe: probe)
                        return .failed(error, charge: timedOutCall)
                    }
                    breaker?.recordFailure(probe: probe)
                    if case .upstream(.timeout) = error { timedOutCall = true }
                    lastError = error
                    lastAnswer = nil
                    if await pause(retry, tries: tries, retryAfter: nil, deadline: deadline) { continue }
                    continue targets
                }
                guard response.status == 429 || response.status >= 500 else {
                    breaker?.recordSuccess(probe: probe)
                    trail.attempts.append(Self.attempt(
                        target, response.status < 400 ? "served" : "upstream_status", status: response.status, started: started, digest: digest))
                    metrics.countAttempt(target.upstreamKey, outcome: response.status < 400 ? "served" : "upstream_status")
                    return .answered(response, serving)
                }
                breaker?.recordFailure(probe: probe)
                trail.attempts.append(Self.attempt(target, "upstream_status", status: response.status, started: started, digest: digest))
                metrics.countAttempt(target.upstreamKey, outcome: "upstream_status")
                lastAnswer = (response, serving)
                let retryAfter = RetryAfter.parse(response.headers, now: Double(call.context.receivedAt.timeIntervalSince1970))
                if await pause(retry, tries: tries, retryAfter: retryAfter, deadline: deadline) { continue }
                continue targets
            }
        }
        if let (response, serving) = lastAnswer { return .answered(response, serving) }
        return .failed(lastError, charge: timedOutCall)
    }

    /// Waits before retry `tries` on the same target, when its policy allows one and it fits before the deadline.
    private func pause(_ retry: RetryPolicy, tries: Int, retryAfter: Duration?, deadline: ContinuousClock.Instant?) async -> Bool {
        guard let delay = retry.delay(beforeRetry: tries, retryAfter: retryAfter) else { return false }
        if let deadline, ContinuousClock.now + delay >= deadline { return false }
        do { try await Task.sleep(for: delay) } catch { return false }
        return true
    }

    /// A fallback target made ready: decided on its own attributes with the request's findings, prepared under
    /// that decision, translated to its provider's format. Nil (and noted) when it cannot serve this request.
    private func fallback(
        _ target: ModelTarget, route: ModelRoute, request: AIRequest, findings: [Finding], call: IncomingCall,
        principal: Principal, admission: Admission, trail: inout RequestTrail
    ) async -> Serving? {
        guard let client = models.clients[target.descriptor.provider] else { return nil }
        let translation: UpstreamTranslation
        do {
            translation = try UpstreamTranslation(operation: call.operation, model: request.model, provider: client.configuration)
        } catch {
            trail.attempts.append(Self.attempt(target, "untranslatable"))
            return nil
        }
        let decision = await decide.decide(policyQuery(call: call, request: request, principal: principal, model: target.descriptor, findings: findings))
        guard decision.isAllowed else {
            trail.attempts.append(Self.attempt(target, "refused_policy", policies: hidePolicyIDs ? nil : decision.determiningPolicies))
            metrics.countAttempt(target.upstreamKey, outcome: "refused_policy")
            return nil
        }
        do {
            var prepared = try applyObligations.apply(request, findings: findings, decision: decision, admission: admission)
            prepared.translation = translation
            if client.configuration.tokenExchange != nil { prepared.subjectToken = SubjectToken.select(from: call.credentials) }
            prepared.upstreamBody = try forward.upstreamBody(prepared, model: target.descriptor, principal: principal)
            return Serving(target: target, client: client, decision: decision, prepared: prepared)
        } catch {
            trail.attempts.append(Self.attempt(target, "untranslatable"))
            return nil
        }
    }

    /// The policy question for this request on one model target.
    func policyQuery(call: IncomingCall, request: AIRequest, principal: Principal, model: ModelDescriptor, findings: [Finding]) -> PolicyQuery {
        PolicyQuery(
            principal: principal, operation: call.operation, model: model, purpose: request.purpose,
            dataClassification: request.dataClassification, tools: request.toolNames, stream: request.stream,
            estimatedInputTokens: request.estimatedInputTokens, maxTokens: request.maxTokens,
            sourceIP: call.context.clientIP, time: call.context.receivedAt, findings: findings,
            api: Dialects.dialect(for: call.operation)?.api)
    }

    /// Whether a failed call may be made again (same target or next): only when the provider cannot have
    /// processed it — no connection, no answer in time, no credential to send it with.
    static func mayTryAgain(_ error: GatewayError) -> Bool {
        switch error {
        case .upstream(.notConnected), .upstream(.timeout), .upstream(.misconfigured): true
        default: false
        }
    }

    /// Whether the call was refused before it was sent for want of a user-bound credential (`token_exchange`):
    /// fail closed, not a failure of the provider.
    static func isCredentialRefusal(_ error: GatewayError) -> Bool {
        switch error {
        case .userTokenRequired, .controlUnavailable: true
        default: false
        }
    }

    /// Whether the error came from a call actually made (kept over a later "circuit open" as the answer).
    static func hasProviderError(_ error: GatewayError) -> Bool {
        switch error {
        case .upstream(.timeout), .upstream(.notConnected), .upstream(.misconfigured): true
        default: false
        }
    }

    static func outcome(of error: GatewayError) -> String {
        switch error {
        case .upstream(.timeout): "timeout"
        case .upstream(.notConnected): "not_connected"
        case .upstream(.unreachable): "unreachable"
        case .upstream(.invalidAnswer): "invalid_answer"
        case .upstream(.misconfigured): "misconfigured"
        case .upstream(.streamInterrupted): "unreachable"
        case .upstream(.circuitOpen): "circuit_open"
        case .userTokenRequired: "user_token_required"
        case .controlUnavailable: "credentials_unavailable"
        default: "failed"
        }
    }

    static func attempt(
        _ target: ModelTarget, _ outcome: String, status: Int? = nil, started: ContinuousClock.Instant? = nil, policies: [String]? = nil,
        digest: String? = nil
    ) -> AuditAttempt {
        AuditAttempt(
            provider: target.descriptor.provider, upstreamModel: target.descriptor.upstreamModel, outcome: outcome, status: status,
            durationMs: started.map { AuditStage.ms(.now - $0) }, policies: policies, requestSHA256: digest)
    }
}
