import Core
import Foundation
import Identity
import Logging
import Providers

/// One request, top to bottom, in the order of DESIGN.md:
/// authenticate → understand → inspect request → decide → admit → apply obligations →
/// record (begin) → forward → inspect answer → record (end).
/// Route handlers only translate HTTP to `IncomingCall` and `PipelineAnswer` back; every control runs here,
/// and every request ends in one place (`conclude`).
public struct Pipeline: Sendable {
    public let authenticate: any Authenticating
    public let understand: any Understanding
    public let inspectRequest: any RequestInspecting
    public let decide: any Deciding
    public let admit: any Admitting
    public let applyObligations: any ObligationApplying
    public let forward: any Forwarding
    public let inspectAnswer: any AnswerInspecting
    public let record: any Recording
    public let models: ProviderRegistry
    public let metrics: GatewayMetrics
    /// Where the spans of each request and its steps go (`observability.tracing`); off: none is made.
    public let tracing: RequestTracing
    /// Hide determining policy ids from callers (they still go to the audit record).
    public let hidePolicyIDs: Bool
    /// Largest request body read (`server.max_body_bytes`); larger is refused with 413.
    public let maxBodyBytes: Int
    /// Which principal created which provider-stored state (`AIRequest.continuation`).
    let continuations: ContinuationLedger
    let logger: Logger

    public init(
        authenticate: any Authenticating, understand: any Understanding = DialectUnderstanding(),
        inspectRequest: any RequestInspecting, decide: any Deciding, admit: any Admitting,
        applyObligations: any ObligationApplying, forward: any Forwarding, inspectAnswer: any AnswerInspecting,
        record: any Recording, models: ProviderRegistry, metrics: GatewayMetrics, tracing: RequestTracing = .off, hidePolicyIDs: Bool = false,
        maxBodyBytes: Int = 4 << 20, logger: Logger = Logger(label: "portcullis.pipeline")
    ) {
        self.authenticate = authenticate
        self.understand = understand
        self.inspectRequest = inspectRequest
        self.decide = decide
        self.admit = admit
        self.applyObligations = applyObligations
        self.forward = forward
        self.inspectAnswer = inspectAnswer
        self.record = record
        self.models = models
        self.metrics = metrics
        self.tracing = tracing
        self.hidePolicyIDs = hidePolicyIDs
        self.maxBodyBytes = maxBodyBytes
        self.continuations = ContinuationLedger()
        self.logger = logger
    }

    /// Runs an inference call (chat completions, responses, embeddings), from its credentials to its end record.
    public func handle(_ call: IncomingCall) async -> PipelineAnswer {
        var trail = RequestTrail(context: call.context)
        trail.operation = call.operation
        trail.trace = tracing.startRequest(GenAINames.operation(call.operation), caller: call.traceContext)
        let trace = trail.trace
        var admission: Admission?
        var routed: ModelDescriptor?
        do {
            // 1. Authenticate — from the headers alone: an unknown caller gets its 401 before a byte of the
            //    body is read, so it cannot make the gateway buffer up to max_body_bytes.
            let principal = try await trace.step(.authenticate) { try await authenticated(call.credentials, context: call.context, trail: &trail) }
            trail.principal = principal
            // 2. Understand
            let request = try await trace.step(.understand) { () async throws(GatewayError) -> AIRequest in
                let body: [UInt8]
                do throws(GatewayError) { body = try await call.body.read(limit: maxBodyBytes) } catch {
                    trail.refusalReason = ErrorResponse(error).code
                    throw error
                }
                return try understand.understand(
                    operation: call.operation, body: body, headers: call.apiHeaders, purpose: call.purpose, classification: call.classification)
            }
            trail.modelRequested = request.model
            trail.streamed = request.stream
            trail.receivedRequest = request
            // The targets in the order this request tries them; the first is decided, admitted and prepared now.
            guard let route = models.routes[request.model] else { throw GatewayError.unknownModel(request.model) }
            let order = route.attemptOrder()
            let target = order[0]
            let model = target.descriptor
            guard let provider = models.clients[model.provider] else { throw GatewayError.unknownModel(request.model) }
            routed = model
            let translation = try UpstreamTranslation(operation: call.operation, model: request.model, provider: provider.configuration)
            trail.upstreamFormat = translation.upstreamFormat(caller: Dialects.dialect(for: call.operation)?.wireFormat)?.rawValue
            trail.provider = provider.name
            trail.modelServed = model.upstreamModel
            trail.model = model
            if let continuation = request.continuation, !continuations.belongs(continuation, to: principal) {
                throw GatewayError.invalidRequest(
                    message: "'previous_response_id' does not name a response this gateway served to you.", param: "previous_response_id")
            }
            // 3. Inspect the request
            let findings = try await trace.step(.inspectRequest) { try await inspectRequest.inspect(request) }
            trail.requestFindings = findings
            // 4. Decide
            let decision = await trace.step(.decide) {
                await decide.decide(policyQuery(call: call, request: request, principal: principal, model: model, findings: findings))
            }
            trail.decision = decision
            guard decision.isAllowed else {
                trail.outcome = .refusedPolicy
                throw GatewayError.forbidden(policies: hidePolicyIDs ? nil : decision.determiningPolicies)
            }
            // 5. Admit
            let granted = try await trace.step(.admit) {
                try await admit.admit(request, model: model, principal: principal, obligations: decision.obligations, cacheControl: call.cacheControl)
            }
            admission = granted
            // 6. Apply obligations
            var prepared = try await trace.step(.applyObligations) {
                try applyObligations.apply(request, findings: findings, decision: decision, admission: granted)
            }
            prepared.translation = translation
            // Only a provider that exchanges the caller's token needs it (not read on every call).
            if provider.configuration.tokenExchange != nil { prepared.subjectToken = SubjectToken.select(from: call.credentials) }
            let relay = AnswerRelay(pipeline: self, prepared: prepared, admission: granted, provider: provider.name)
            if let hit = granted.cacheHit {
                trail.cacheHit = true
                trail.outcome = .cacheHit
                return await relay.replay(hit, trail: trail)
            }
            // 9a. Record: durable begin before anything reaches a provider
            let upstreamBody = try forward.upstreamBody(prepared, model: model, principal: principal)
            prepared.upstreamBody = upstreamBody
            trail.requestBody = upstreamBody
            trail.forwardedRequest = prepared.request
            trail.vault = prepared.vault
            try await trace.step(.record, phase: "begin") { [trail] () async throws(GatewayError) in try await record.begin(trail) }
            trail.begun = true
            // 7. Forward, failing over to the model's other targets before anything is relayed
            trail.upstreamStarted = .now
            let first = Serving(target: target, client: provider, decision: decision, prepared: prepared)
            let deadline = route.timeouts.total.map { ContinuousClock.now + $0 }
            switch await serve(first, after: Array(order.dropFirst()), route: route, request: request, findings: findings,
                               call: call, principal: principal, admission: granted, deadline: deadline, trail: &trail) {
            case .failed(let error, let charge):
                // A timeout means the provider had the request and may have billed it: charge the worst case.
                return await refuse(error, trail: trail, admission: granted, model: model, charge: charge ? granted.worstCase : nil)
            case .answered(let upstream, let serving):
                trail.upstreamHeadAt = .now
                var admitted = granted
                if serving.target != target {
                    // A fallback served: the record, the cost and the budget are the served target's.
                    admitted.servedBy = serving.target.descriptor
                    trail.provider = serving.client.name
                    trail.modelServed = serving.target.descriptor.upstreamModel
                    trail.model = serving.target.descriptor
                    trail.decision = serving.decision
                    trail.upstreamFormat = serving.prepared.translation.upstreamFormat(caller: Dialects.dialect(for: call.operation)?.wireFormat)?.rawValue
                    trail.forwardedRequest = serving.prepared.request
                    trail.vault = serving.prepared.vault
                }
                // 8 + 9b. Inspect the answer as it flows, then conclude
                return await AnswerRelay(pipeline: self, prepared: serving.prepared, admission: admitted, provider: serving.client.name, deadline: deadline)
                    .relay(upstream, trail: trail)
            }
        } catch {
            return await refuse(error, trail: trail, admission: admission, model: routed)
        }
    }

    /// Ends a request with an error answer: concluded (settled, recorded, counted) and rendered, with the
    /// caller's rate-limit headers when it was authenticated (a limits refusal carries its own).
    func refuse(
        _ error: any Error, trail: RequestTrail, admission: Admission?, model: ModelDescriptor? = nil, charge: TokenUsage? = nil,
        extraHeaders: [(String, String)] = []
    ) async -> PipelineAnswer {
        var trail = trail
        let gatewayError = (error as? GatewayError) ?? .internalError
        try? await conclude(&trail, RequestEnd(gatewayError, outcome: trail.outcome == .allowed ? nil : trail.outcome, charge: charge), admission: admission)
        var headers = admission?.headers ?? []
        if admission == nil, let principal = trail.principal, !Self.isLimitRefusal(gatewayError) {
            headers = await admit.currentHeaders(principal: principal, model: model)
        }
        return render(gatewayError, trail: trail, extraHeaders: headers + extraHeaders)
    }

    /// The one end of every request: sets its status and outcome, settles its admission (`charge`, or released),
    /// caches an answer that passed, writes its end record — the end of a begun trail, else its one complete
    /// record — and counts it. `write` says when the record is written: before returning (the default),
    /// durably before the answer leaves (a cached answer: throws when that fails and the recorder fails closed),
    /// or in the background while the answer goes out (a provider's complete answer: its begin record is
    /// already durable).
    func conclude(_ trail: inout RequestTrail, _ end: RequestEnd, admission: Admission?, write: EndRecordWrite = .awaited) async throws(GatewayError) {
        trail.status = end.status
        if end.outcome != .allowed { trail.outcome = end.outcome }
        trail.finished = .now
        if let admission {
            if case .background = write, admit.settlesRemotely {
                // Shared stores: the answer does not wait for the round trips that settle it. The worst case stays
                // reserved until they land, so nothing can be admitted meanwhile that the real cost would refuse.
                let admit = self.admit, charge = end.charge, answer = end.cacheable
                Task {
                    await admit.settle(admission, usage: charge)
                    if let answer { await admit.store(admission, answer: answer) }
                }
            } else {
                await admit.settle(admission, usage: end.charge)
                if let answer = end.cacheable { await admit.store(admission, answer: answer) }
            }
        }
        defer {
            metrics.recordRequest(route: trail.operation == nil && trail.mcp == nil ? "unmatched" : trail.context.route, status: trail.status, model: trail.modelRequested, trail: trail)
            trail.trace.finish(trail, providerKind: trail.provider.flatMap { models.clients[$0] }.map { GenAINames.provider($0.configuration.kind) },
                               hidePolicyIDs: hidePolicyIDs)
        }
        let ended = trail
        try await trail.trace.step(.record, phase: trail.begun ? "end" : "complete") { () async throws(GatewayError) in
            switch (ended.begun, write) {
            case (true, .background): record.endInBackground(ended)
            case (true, _): await record.end(ended)
            case (false, .beforeAnswer): try await record.completeBeforeAnswer(ended)
            case (false, _): await record.complete(ended)
            }
        }
    }

    enum EndRecordWrite {
        case awaited, beforeAnswer, background
    }

    private static func isLimitRefusal(_ error: GatewayError) -> Bool {
        if case .limited = error { return true }
        return false
    }

    /// Step 1, noting a refusal in the trail.
    func authenticated(_ credentials: Credentials, context: RequestContext, trail: inout RequestTrail) async throws(GatewayError) -> Principal {
        do {
            return try await authenticate.authenticate(credentials, context: context)
        } catch {
            trail.outcome = Self.outcome(for: error)
            switch error {
            case .unauthenticated(let why), .proofRefused(let why, _, _): trail.authFailure = why
            case .credentialsMissing: trail.authFailure = "missing credentials"
            default: break
            }
            throw error
        }
    }

    /// `GET /v1/models`: only the models this principal may use (policy action `models.list` per model).
    public func listModels(credentials: Credentials, context: RequestContext, traceContext: CallerTraceContext? = nil) async -> PipelineAnswer {
        var trail = RequestTrail(context: context)
        trail.operation = .modelsList
        trail.trace = tracing.startRequest(GenAINames.operation(.modelsList), caller: traceContext)
        let trace = trail.trace
        do {
            let principal = try await trace.step(.authenticate) { try await authenticated(credentials, context: context, trail: &trail) }
            trail.principal = principal
            var visible: [ModelDescriptor] = []
            for name in models.modelOrder {
                guard let model = models.models[name] else { continue }
                let decision = await decide.decide(PolicyQuery(principal: principal, operation: .modelsList, model: model, sourceIP: context.clientIP, time: context.receivedAt))
                if decision.isAllowed { visible.append(model) }
            }
            let body = Dialects.models.listing(visible)
            try? await conclude(&trail, RequestEnd(status: 200, outcome: .allowed), admission: nil)
            return PipelineAnswer(status: 200, headers: [("content-type", "application/json")], body: .bytes(body))
        } catch {
            return await refuse(error, trail: trail, admission: nil)
        }
    }

    /// A request the HTTP layer refuses before the pipeline can run (unknown route or method: 404) still
    /// leaves its one complete audit record, with the error code as the refusal reason.
    public func refuseUnrouted(_ error: GatewayError, context: RequestContext) async -> PipelineAnswer {
        var trail = RequestTrail(context: context)
        trail.trace = tracing.startRequest("request", caller: nil)
        trail.outcome = .invalidRequest
        trail.refusalReason = ErrorResponse(error).code
        try? await conclude(&trail, RequestEnd(error, outcome: .invalidRequest), admission: nil)
        return render(error, trail: trail, extraHeaders: [])
    }

    /// The error answer, in the caller's API's shape.
    func render(_ error: GatewayError, trail: RequestTrail, extraHeaders: [(String, String)]) -> PipelineAnswer {
        if case .internalError = error {
            logger.error("internal error", metadata: ["request_id": .string(trail.context.requestID)])
        }
        let mapped = ErrorResponse(error)
        // An unknown route under Anthropic's prefix (`/v1/messages/batches`) is answered in Anthropic's shape too.
        let dialect = trail.operation.flatMap(Dialects.dialect(for:))
            ?? (trail.context.route.hasPrefix("/v1/messages") ? Dialects.messages : nil)
        let (body, contentType) = ErrorResponse.body(for: error, dialect: dialect)
        return PipelineAnswer(status: mapped.status, headers: [("content-type", contentType)] + mapped.headers + extraHeaders, body: .bytes(body))
    }

    static func outcome(for error: any Error) -> RequestTrail.Outcome {
        switch error as? GatewayError {
        case .unauthenticated?, .credentialsMissing?, .proofRefused?, .userTokenRequired?: .refusedAuth
        case .forbidden?, .toolNotPermitted?: .refusedPolicy
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
