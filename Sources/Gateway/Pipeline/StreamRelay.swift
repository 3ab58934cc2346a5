import Audit
import Core
import Limits
import NIOCore

/// One streamed answer on its way to the caller (step 8 for streams): frames the provider's events, passes
/// them through the answer guardrails, sends what may go out as it arrives, and keeps only what the cache and
/// the recorder will use — the events when the answer may be cached, the bytes or a running digest of what
/// was delivered as the audit capture mode needs, the provider's events only for `redacted` capture. Returns
/// how the stream ended, for `Pipeline.conclude`.
///
/// A class, created inside the stream's task and used only there: a long-lived stream's state (the
/// request trail alone is about a kilobyte) sits once on the heap instead of in the frames of every
/// suspension, which is what 1,000 open streams cost in memory (docs/benchmarks.md).
final class StreamRelay {
    private let relay: AnswerRelay
    private let cached: TokenUsage?
    private var trail: RequestTrail
    private var framer: UpstreamFramer
    private var inspection: AnswerInspection
    /// The provider's events into the caller's API's (nil: the same API, or a cached answer).
    private var translation: StreamTranslation?
    /// A translated stream's usage, as the provider reported it.
    private var upstreamUsage: TokenUsage?
    /// The declaration of the provider's events, for a translated stream.
    private var upstreamGrammar: (any StreamGrammar)?
    /// The events as delivered, kept only when the answer may go into the cache.
    private var delivered: [SSEEvent]?
    /// The answer as delivered (each event's data and a newline), kept only for `delivered` capture...
    private var deliveredBytes: [UInt8]?
    /// ...or its digest, computed as the events go out.
    private var deliveredDigest: ContentDigest.Hasher?
    /// The provider's events as received, only for `providerAnswer` capture (redacted copies).
    private var received: [SSEEvent]?
    private var clientGone = false
    private var upstreamFailed = false

    private static let newline: [UInt8] = [10]

    /// The request's total time ran out while the provider was still streaming.
    struct DeadlinePassed: Error {}

    init(_ relay: AnswerRelay, trail: RequestTrail, cached: TokenUsage?) {
        self.relay = relay
        self.cached = cached
        self.trail = trail
        inspection = relay.makeInspection(streamed: true)
        translation = cached == nil ? relay.prepared.translation.streamTranslator(model: relay.prepared.request.model) : nil
        // A cached answer was stored as the caller's SSE events, whatever the provider's framing.
        framer = cached == nil ? UpstreamFramer(relay.prepared.translation.streamFraming) : UpstreamFramer(.serverSentEvents)
        let pipeline = relay.pipeline
        if cached == nil, pipeline.admit.willStore(relay.admission) { delivered = [] }
        switch pipeline.record.answerCapture {
        case .none: break
        case .digest: deliveredDigest = ContentDigest.Hasher()
        case .delivered: deliveredBytes = []
        case .providerAnswer: received = []
        }
    }

    func run<Source: AsyncSequence>(_ source: Source, emit: ([UInt8]) async throws -> Void) async -> (RequestTrail, RequestEnd)
    where Source.Element == ByteBuffer {
        do {
            for try await chunk in source {
                if let deadline = relay.deadline, ContinuousClock.now >= deadline { throw DeadlinePassed() }
                for event in try framer.push(chunk.readableBytesView) {
                    received?.append(event)
                    try await pass(translated(event), emit)
                    if stopped { break }
                }
                if stopped { break }
            }
            try framer.finish()
            if !stopped, translation != nil { try await pass(translation!.finish(), emit) }
            if !stopped { try await send(inspection.finish(), emit) }
        } catch {
            if !clientGone { upstreamFailed = true }
        }
        let outcome = closing()
        if let last = outcome.events { try? await send(last, emit) }
        return (concluded(outcome.outcome), end(outcome.outcome))
    }

    /// The caller's events for one provider event. A translated event is parsed once, read against the
    /// provider's declaration (undeclared members and event types dropped and noted; a text field holding no
    /// text stops the stream), its usage report kept for settlement, and then translated.
    private func translated(_ event: SSEEvent) -> [SSEEvent] {
        guard translation != nil else { return [event] }
        // Converse and Google events are read member by member by their own translators.
        guard let upstream = relay.prepared.translation.upstreamDialect else { return translation!.translate(event) }
        guard var json = try? JSONParser.parse(event.data), case .object = json else { return translation!.translate(event) }
        upstreamGrammar = upstreamGrammar ?? upstream.makeStreamGrammar()
        guard let shape = upstreamGrammar?.shape(of: json, name: event.event) else {
            inspection.note("upstream event " + ErrorResponse.printable(json["type"]?.stringValue ?? event.event ?? "?"))
            return []
        }
        var reader = AnswerReader(mirrorsServed: false)
        reader.read(&json, as: shape)
        for field in reader.dropped { inspection.note("upstream " + field) }
        if let field = reader.uninspectable {
            inspection.stopUninspectable(field)
            return []
        }
        if let usage = upstream.usage(in: json, after: upstreamUsage) { upstreamUsage = usage }
        return translation!.translate(event, json: json)
    }

    /// Inspects caller events one by one and sends what may go out.
    private func pass(_ events: [SSEEvent], _ emit: ([UInt8]) async throws -> Void) async throws {
        for event in events {
            if stopped { return }
            try await send(inspection.process(event), emit)
        }
    }

    /// Nothing more goes out but the closing error: blocked, failed, or not translatable.
    private var stopped: Bool { inspection.stopped || translation?.failure != nil }

    private func send(_ events: [SSEEvent], _ emit: ([UInt8]) async throws -> Void) async throws {
        for event in events {
            let bytes = event.encoded()
            do { try await emit(bytes) } catch { clientGone = true; throw error }
            if trail.firstTokenAt == nil, inspection.sawText { trail.firstTokenAt = .now }
            trail.streamedBytes += bytes.count
            delivered?.append(event)
            deliveredBytes?.append(contentsOf: event.data)
            deliveredBytes?.append(contentsOf: Self.newline)
            deliveredDigest?.update(event.data)
            deliveredDigest?.update(Self.newline)
        }
    }

    /// The outcome of the stream, and the error event that tells the caller when it did not end cleanly.
    private func closing() -> (outcome: RequestTrail.Outcome, events: [SSEEvent]?) {
        let dialect = relay.dialect
        if let blocked = inspection.blocked {
            return (.blockedGuardrail, dialect.streamError(code: "response_blocked", message: "Response blocked by guardrail: \(blocked.category) detected."))
        }
        if let failure = inspection.failure {
            // Fail closed: what cannot be inspected is not passed on.
            switch failure {
            case .uninspectable(let what):
                return (.upstreamError, dialect.streamError(
                    code: "upstream_uninspectable",
                    message: "Provider '\(relay.provider)' sent \(what == "event" ? "an event" : "'\(what)'") the answer guardrails cannot inspect; the stream was stopped."))
            case .controlUnavailable(let control):
                return (.controlUnavailable, dialect.streamError(code: "control_unavailable", message: "The \(control) control is unavailable; the stream was stopped."))
            }
        }
        if let failure = translation?.failure {
            return (.upstreamError, dialect.streamError(
                code: "upstream_untranslatable",
                message: "Provider '\(relay.provider)' sent a stream event that cannot be translated to this API (\(failure.reason)); the stream was stopped."))
        }
        if clientGone { return (.clientDisconnect, nil) }
        // The provider's own error event already told the caller; without the stream's end, the gateway's follows.
        if inspection.providerFailed, inspection.terminated, !upstreamFailed { return (.upstreamError, nil) }
        if upstreamFailed || !inspection.terminated {
            return (.upstreamError, dialect.streamError(code: "upstream_interrupted", message: "Provider '\(relay.provider)' stopped the stream before it completed."))
        }
        return (cached == nil ? .allowed : .cacheHit, nil)
    }

    /// The trail as the stream leaves it.
    private func concluded(_ outcome: RequestTrail.Outcome) -> RequestTrail {
        trail.answerFindings = inspection.findings
        for field in translation?.dropped ?? [] { inspection.note(field) }
        trail.droppedAnswerFields = inspection.dropped
        trail.usage = usage
        if let deliveredBytes { trail.answerBody = deliveredBytes }
        trail.answerDigest = deliveredDigest?.digest
        if let received { trail.providerAnswer = .events(received) }
        if cached == nil, outcome == .allowed, let id = inspection.continuation, let principal = trail.principal {
            relay.pipeline.continuations.note(id, createdBy: principal)
        }
        return trail
    }

    /// The usage reported, cached, or estimated from the released text. A stream that went out at all is
    /// charged (the provider produced it, whatever stopped it).
    private var usage: TokenUsage {
        cached ?? upstreamUsage ?? translation?.usage ?? inspection.usage
            ?? TokenUsage(inputTokens: relay.prepared.request.estimatedInputTokens, outputTokens: inspection.releasedCharacterCount / 4 + 1)
    }

    private func end(_ outcome: RequestTrail.Outcome) -> RequestEnd {
        let cacheable = outcome == .allowed ? delivered.map { CachedAnswer(payload: .stream(events: $0.map { $0.encoded() }), usage: usage) } : nil
        return RequestEnd(status: 200, outcome: outcome, charge: usage, cacheable: cacheable)
    }
}
