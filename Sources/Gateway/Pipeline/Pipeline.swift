import Core
import Foundation
import Logging
import Providers

/// One request, top to bottom, in the order of DESIGN.md:
/// authenticate → understand → inspect request → decide → admit → apply obligations →
/// record (begin) → forward → inspect response → record (end).
/// Route handlers only translate HTTP to `IncomingCall` and `PipelineAnswer` back; every control runs here.
public struct Pipeline: Sendable {
    public let authenticate: any Authenticating
    public let understand: any Understanding
    public let inspectRequest: any RequestInspecting
    public let decide: any Deciding
    public let admit: any Admitting
    public let applyObligations: any ObligationApplying
    public let forward: any Forwarding
    public let inspectResponse: any ResponseInspecting
    public let record: any Recording
    public let models: ProviderRegistry
    public let metrics: GatewayMetrics
    /// Hide determining policy ids from callers (they still go to the audit record).
    public let hidePolicyIDs: Bool
    let logger: Logger

    public init(
        authenticate: any Authenticating, understand: any Understanding = RequestUnderstanding(),
        inspectRequest: any RequestInspecting, decide: any Deciding, admit: any Admitting,
        applyObligations: any ObligationApplying, forward: any Forwarding, inspectResponse: any ResponseInspecting,
        record: any Recording, models: ProviderRegistry, metrics: GatewayMetrics, hidePolicyIDs: Bool = false,
        logger: Logger = Logger(label: "portcullis.pipeline")
    ) {
        self.authenticate = authenticate
        self.understand = understand
        self.inspectRequest = inspectRequest
        self.decide = decide
        self.admit = admit
        self.applyObligations = applyObligations
        self.forward = forward
        self.inspectResponse = inspectResponse
        self.record = record
        self.models = models
        self.metrics = metrics
        self.hidePolicyIDs = hidePolicyIDs
        self.logger = logger
    }

    /// Step 1 on its own, for a route that must know who is asking before it reads the request body
    /// (an unauthenticated caller must not make the gateway buffer a body): the principal, or the finished,
    /// audited refusal. Pass the principal on to `handle(_:authenticated:)`.
    public func authenticateCall(_ call: IncomingCall) async -> Authentication {
        var trail = RequestTrail(context: call.context)
        trail.operation = call.operation
        do {
            return .principal(try await authenticated(call.credentials, context: call.context, trail: &trail))
        } catch {
            trail.status = ErrorResponse(error).status
            trail.finished = .now
            await record.complete(trail)
            return .refused(answer(error, trail: trail, extraHeaders: []))
        }
    }

    public enum Authentication: Sendable {
        case principal(Principal)
        case refused(PipelineAnswer)
    }

    /// Runs an inference call (chat completions, responses, embeddings). `authenticated` is the principal
    /// `authenticateCall(_:)` already verified for this call; without it, step 1 runs here.
    public func handle(_ call: IncomingCall, authenticated given: Principal? = nil) async -> PipelineAnswer {
        var trail = RequestTrail(context: call.context)
        trail.operation = call.operation
        var admission: Admission?
        var routed: ModelDescriptor?
        do {
            // 1. Authenticate
            let principal: Principal
            if let given { principal = given } else {
                principal = try await authenticated(call.credentials, context: call.context, trail: &trail)
            }
            trail.principal = principal
            // 2. Understand
            let request = try understand.understand(operation: call.operation, body: call.body, purpose: call.purpose, classification: call.classification)
            trail.modelRequested = request.model
            trail.streamed = request.stream
            trail.receivedRequest = request
            let (model, provider): (ModelDescriptor, ProviderClient)
            do { (model, provider) = try models.route(request.model) } catch { throw GatewayError.unknownModel(request.model) }
            routed = model
            trail.provider = provider.name
            trail.modelServed = model.upstreamModel
            trail.model = model
            // 3. Inspect the request
            let findings = try await inspectRequest.inspect(request)
            trail.requestFindings = findings
            // 4. Decide
            let decision = await decide.decide(PolicyQuery(
                principal: principal, operation: call.operation, model: model, purpose: request.purpose,
                dataClassification: request.dataClassification, tools: request.tools, stream: request.stream,
                estimatedInputTokens: request.estimatedInputTokens, maxTokens: request.maxTokens,
                sourceIP: call.context.clientIP, time: call.context.receivedAt, findings: findings))
            trail.decision = decision
            guard decision.isAllowed else {
                trail.outcome = .refusedPolicy
                throw GatewayError.forbidden(policies: hidePolicyIDs ? nil : decision.determiningPolicies)
            }
            // 5. Admit
            let granted = try await admit.admit(request, model: model, principal: principal, obligations: decision.obligations, cacheControl: call.cacheControl)
            admission = granted
            // 6. Apply obligations
            var prepared = try applyObligations.apply(request, findings: findings, decision: decision, admission: granted)
            if let hit = granted.cacheHit {
                trail.cacheHit = true
                trail.outcome = .cacheHit
                return await AnswerRelay(pipeline: self, prepared: prepared, admission: granted, provider: provider.name)
                    .replay(hit, trail: trail)
            }
            // 9a. Record: durable begin before anything reaches a provider
            let upstreamBody = forward.upstreamBody(prepared, model: model, principal: principal)
            prepared.upstreamBody = upstreamBody
            trail.requestBody = upstreamBody
            trail.forwardedRequest = prepared.request
            try await record.begin(trail)
            // 7. Forward
            trail.upstreamStarted = .now
            let upstream: UpstreamResponse
            do {
                upstream = try await forward.forward(prepared, model: model, context: call.context, principal: principal)
            } catch {
                trail.outcome = if case .upstream(.timeout) = error { .timeout } else { .upstreamError }
                trail.status = ErrorResponse(error).status
                trail.finished = .now
                // A timeout means the provider had the request and may have billed it: charge the worst case.
                let timedOut = if case .upstream(.timeout) = error { true } else { false }
                await self.admit.settle(granted, usage: timedOut ? granted.worstCase : nil)
                await record.end(trail)
                return answer(error, trail: trail, extraHeaders: granted.headers)
            }
            trail.upstreamHeadAt = .now
            // 8 + 9b. Inspect the answer as it flows, then record the end
            return await AnswerRelay(pipeline: self, prepared: prepared, admission: granted, provider: provider.name)
                .relay(upstream, trail: trail)
        } catch {
            if let admission { await admit.settle(admission, usage: nil) }
            if trail.outcome == .allowed { trail.outcome = Self.outcome(for: error) }
            trail.status = ErrorResponse((error as? GatewayError) ?? .internalError).status
            trail.finished = .now
            await record.complete(trail)
            // Rate-limit headers on every answer to an authenticated caller, refusals before admission included
            // (a limits refusal carries its own).
            var headers = admission?.headers ?? []
            if admission == nil, let principal = trail.principal, !Self.isLimitRefusal(error) {
                headers = await admit.currentHeaders(principal: principal, model: routed)
            }
            return answer(error, trail: trail, extraHeaders: headers)
        }
    }

    private static func isLimitRefusal(_ error: any Error) -> Bool {
        if case .limited? = error as? GatewayError { return true }
        return false
    }

    /// Step 1, noting a refusal in the trail.
    func authenticated(_ credentials: Credentials, context: RequestContext, trail: inout RequestTrail) async throws(GatewayError) -> Principal {
        do {
            return try await authenticate.authenticate(credentials, context: context)
        } catch {
            trail.outcome = Self.outcome(for: error)
            switch error {
            case .unauthenticated(let why): trail.authFailure = why
            case .credentialsMissing: trail.authFailure = "missing credentials"
            default: break
            }
            throw error
        }
    }

    /// `GET /v1/models`: only the models this principal may use (policy action `models.list` per model).
    public func listModels(credentials: Credentials, context: RequestContext) async -> PipelineAnswer {
        var trail = RequestTrail(context: context)
        trail.operation = .modelsList
        do {
            let principal = try await authenticated(credentials, context: context, trail: &trail)
            trail.principal = principal
            var visible: [ModelDescriptor] = []
            for name in models.modelOrder {
                guard let model = models.models[name] else { continue }
                let decision = await decide.decide(PolicyQuery(principal: principal, operation: .modelsList, model: model, sourceIP: context.clientIP, time: context.receivedAt))
                if decision.isAllowed { visible.append(model) }
            }
            let created = 1_700_000_000
            let data: [JSONValue] = visible.map { ["id": .string($0.name), "object": "model", "created": .integer(created), "owned_by": .string($0.provider)] }
            let body = JSONValue.object(["object": "list", "data": .array(data)]).encodedBytes()
            trail.status = 200
            trail.finished = .now
            await record.complete(trail)
            metrics.recordRequest(route: context.route, status: 200, model: nil, trail: trail)
            return PipelineAnswer(status: 200, headers: [("content-type", "application/json")], body: .bytes(body))
        } catch {
            trail.status = ErrorResponse((error as? GatewayError) ?? .internalError).status
            trail.finished = .now
            await record.complete(trail)
            return answer(error, trail: trail, extraHeaders: [])
        }
    }

    func answer(_ error: any Error, trail: RequestTrail, extraHeaders: [(String, String)]) -> PipelineAnswer {
        let gatewayError = (error as? GatewayError) ?? .internalError
        if case .internalError = gatewayError {
            logger.error("internal error", metadata: ["request_id": .string(trail.context.requestID), "error": .string(String(describing: type(of: error)))])
        }
        let mapped = ErrorResponse(gatewayError)
        let (body, contentType) = ErrorResponse.body(for: gatewayError)
        metrics.recordRequest(route: trail.context.route, status: mapped.status, model: trail.modelRequested, trail: trail)
        return PipelineAnswer(status: mapped.status, headers: [("content-type", contentType)] + mapped.headers + extraHeaders, body: .bytes(body))
    }

    static func outcome(for error: any Error) -> RequestTrail.Outcome {
        switch error as? GatewayError {
        case .unauthenticated?, .credentialsMissing?: .refusedAuth
        case .forbidden?: .refusedPolicy
        case .limited?: .refusedLimit
        case .guardrailBlocked?, .responseBlocked?: .blockedGuardrail
        case .controlUnavailable?: .controlUnavailable
        case .upstream(.timeout)?: .timeout
        case .upstream?, .upstreamStatus?: .upstreamError
        default: .invalidRequest
        }
    }
}

extension JSONValue {
    /// Compact JSON bytes (slashes unescaped, as providers send them).
    public func encodedBytes() -> [UInt8] { serialized() }
}
