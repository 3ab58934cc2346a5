import Audit
import Core
import NIOCore

/// One streamed answer on its way to the caller (step 8 for streams, then 9b): frames the provider's
/// events, passes them through the response guardrails, sends what may go out as it arrives, and keeps
/// only what the cache and the recorder will use — the events when the answer may be cached, the bytes
/// or a running digest of what was delivered as the audit capture mode needs, the provider's events
/// only for `redacted` capture.
///
/// A class, created inside the stream's task and used only there: a long-lived stream's state (the
/// request trail alone is about a kilobyte) sits once on the heap instead of in the frames of every
/// suspension, which is what 1,000 open streams cost in memory (docs/benchmarks.md).
final class StreamRelay {
    private let relay: AnswerRelay
    private let cached: TokenUsage?
    private var trail: RequestTrail
    private var framer = SSEFramer()
    private var inspection: StreamInspection
    /// The events as delivered, kept only when the answer may go into the cache.
    private var delivered: [SSEEvent]?
    /// The answer as delivered (each event's data and a newline), kept only for `delivered` capture...
    private var deliveredBytes: [UInt8]?
    /// ...or its digest, computed as the events go out.
    private var deliveredDigest: ContentDigest.Hasher?
    /// The provider's events as received, only for `providerAnswer` capture (redacted copies).
    private var received: [SSEEvent]?
    private var terminated = false
    private var clientGone = false
    private var upstreamFailed = false

    private static let newline: [UInt8] = [10]

    init(_ relay: AnswerRelay, trail: RequestTrail, cached: TokenUsage?, callerWantsUsage: Bool) {
        self.relay = relay
        self.cached = cached
        self.trail = trail
        let pipeline = relay.pipeline, prepared = relay.prepared
        inspection = StreamInspection(operation: prepared.request.operation, dropUsageChunk: !callerWantsUsage) {
            pipeline.inspectResponse.makeFilter(for: prepared)
        }
        if cached == nil, pipeline.admit.willStore(relay.admission) { delivered = [] }
        switch pipeline.record.answerCapture {
        case .none: break
        case .digest: deliveredDigest = ContentDigest.Hasher()
        case .delivered: deliveredBytes = []
        case .providerAnswer: received = []
        }
    }

    func run<Source: AsyncSequence>(_ source: Source, emit: ([UInt8]) async throws -> Void) async where Source.Element == ByteBuffer {
        let operation = relay.prepared.request.operation
        do {
            for try await chunk in source {
                for event in try framer.push(chunk.readableBytesView) {
                    received?.append(event)
                    try await send(inspection.process(event), emit)
                    if inspection.stopped { break }
                    if operation == .responses, AnswerRelay.isTerminalResponsesEvent(event) { terminated = true }
                }
                if inspection.stopped { break }
            }
            if !inspection.stopped { try await send(inspection.finish(), emit) }
        } catch {
            if !clientGone { upstreamFailed = true }
        }
        if let last = closingEvents() { try? await send(last, emit) }
        await settle()
    }

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
            if event.isDone || (event.event ?? "").hasPrefix("response.completed") { terminated = true }
        }
    }

    /// The outcome of a stream that did not end cleanly, and the error event that tells the caller so.
    private func closingEvents() -> [SSEEvent]? {
        if let blocked = inspection.blocked {
            trail.outcome = .blockedGuardrail
            return relay.errorEvent(code: "response_blocked", message: "Response blocked by guardrail: \(blocked.category) detected.")
        }
        if let failure = inspection.failure {
            // Fail closed: what cannot be inspected is not passed on.
            switch failure {
            case .uninspectableEvent:
                trail.outcome = .upstreamError
                return relay.errorEvent(code: "upstream_uninspectable", message: "Provider '\(relay.provider)' sent an event the response guardrails cannot parse (strict JSON); the stream was stopped.")
            case .controlUnavailable(let control):
                trail.outcome = .controlUnavailable
                return relay.errorEvent(code: "control_unavailable", message: "The \(control) control is unavailable; the stream was stopped.")
            }
        }
        if clientGone {
            trail.outcome = .clientDisconnect
            return nil
        }
        if upstreamFailed || !terminated {
            trail.outcome = .upstreamError
            return relay.errorEvent(code: "upstream_interrupted", message: "Provider '\(relay.provider)' stopped the stream before it completed.")
        }
        return nil
    }

    /// Settles the admission with the usage (reported, cached, or estimated from the released text),
    /// fills the cache with an answer that passed, and writes the end record.
    private func settle() async {
        let pipeline = relay.pipeline
        trail.responseFindings = inspection.findings
        let usage = cached ?? inspection.usage
            ?? TokenUsage(inputTokens: relay.prepared.request.estimatedInputTokens, outputTokens: inspection.releasedCharacterCount / 4 + 1)
        trail.usage = usage
        trail.status = 200
        if let deliveredBytes { trail.responseBody = deliveredBytes }
        trail.responseDigest = deliveredDigest?.digest
        if let received { trail.providerAnswer = .events(received) }
        trail.finished = .now
        await pipeline.admit.settle(relay.admission, usage: usage)
        if cached == nil {
            if trail.outcome == .allowed, let delivered {
                await pipeline.admit.store(relay.admission, answer: CachedAnswer(body: .events(delivered), usage: usage))
            }
            await pipeline.record.end(trail)
        } else {
            await pipeline.record.complete(trail)
        }
        pipeline.metrics.recordRequest(route: trail.context.route, status: 200, model: trail.modelRequested, trail: trail)
    }
}
