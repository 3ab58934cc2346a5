import Core
import Foundation
import Limits
import NIOCore
import Providers

/// Step 8: passes the provider's answer to the caller through the answer guardrails, as its API's dialect
/// declares it — complete bodies and streams, which are relayed as they arrive, never buffered whole — and
/// hands how it ended to the pipeline's one end-of-request path (`Pipeline.conclude`).
struct AnswerRelay: Sendable {
    let pipeline: Pipeline
    let prepared: PreparedRequest
    let admission: Admission
    let provider: String
    /// The request's deadline (`timeouts.total_seconds`): a stream still running then is ended as timed out.
    var deadline: ContinuousClock.Instant? = nil

    var dialect: any APIDialect { Dialects.dialect(for: prepared.request.operation) ?? Dialects.chatCompletions }

    func relay(_ upstream: UpstreamResponse, trail: RequestTrail) async -> PipelineAnswer {
        switch upstream.body {
        case .complete(let buffer):
            return await complete(Array(buffer.readableBytesView), status: upstream.status, contentType: upstream.contentType, trail: trail,
                                  headers: upstream.headers)
        case .streaming(let body):
            return stream(body, trail: trail)
        }
    }

    /// A cache hit: replayed through the same answer guardrails, audited as `cache_hit`.
    func replay(_ hit: CachedAnswer, trail: RequestTrail) async -> PipelineAnswer {
        switch hit.payload {
        case .complete(let bytes):
            return await complete(bytes, status: 200, contentType: "application/json", trail: trail, cached: hit.usage)
        case .stream(let events):
            // Stored in wire form: replayed through the same framer and answer inspection as a provider's stream.
            let source = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                for e in events { continuation.yield(ByteBuffer(bytes: e)) }
                continuation.finish()
            }
            return stream(source, trail: trail, cached: hit.usage)
        }
    }

    func makeInspection(streamed: Bool) -> AnswerInspection {
        let pipeline = pipeline, prepared = prepared
        let callerWantsUsage = prepared.request.body["stream_options"]?["include_usage"]?.boolValue == true
        return AnswerInspection(dialect: dialect, streamed: streamed, mirrorsServed: prepared.mirrorsServed, callerWantsUsage: callerWantsUsage) {
            pipeline.inspectAnswer.makeFilter(for: prepared)
        }
    }

    // MARK: complete bodies

    private func complete(
        _ bytes: [UInt8], status: Int, contentType: String?, trail: RequestTrail, cached: TokenUsage? = nil, headers: [(String, String)] = []
    ) async -> PipelineAnswer {
        var trail = trail
        // A cached answer was stored in the caller's API's shape; a provider's is translated to it.
        let translation = cached == nil ? prepared.translation : .none
        guard (200..<300).contains(status) else {
            // Providers do not bill refused calls: the reservation is given back (a hit is always a 200).
            let body = translation.errorBody(bytes, status: status, headers: headers)
            let type = translation == .none ? contentType : "application/json"
            return await pipeline.refuse(GatewayError.upstreamStatus(status: status, body: body, contentType: type), trail: trail, admission: admission)
        }
        guard var json = try? JSONParser.parse(bytes) else {
            // The provider answered 2xx, so it may have billed; what it used is unknown: charge the worst case.
            return await pipeline.refuse(
                GatewayError.upstream(.invalidAnswer(provider: provider, reason: "answer is not JSON")), trail: trail, admission: admission,
                charge: cached ?? admission.worstCase)
        }
        var untranslated: [String] = []
        let reported = translation.reportedUsage(json)
        if translation != .none {
            if let upstream = translation.upstreamDialect {
                // Read against the provider's declaration first: undeclared fields dropped and noted, fail closed.
                // (Converse and Google answers are read member by member by their translations.)
                var reader = AnswerReader(mirrorsServed: false)
                reader.read(&json, as: upstream.answerShape)
                if let field = reader.uninspectable {
                    trail.droppedAnswerFields = ["uninspectable upstream " + field]
                    return await pipeline.refuse(
                        GatewayError.upstream(.invalidAnswer(provider: provider, reason: "'\(field)' cannot be inspected")), trail: trail,
                        admission: admission, charge: reported ?? admission.worstCase)
                }
                untranslated = reader.dropped.map { "upstream " + $0 }
            }
            do {
                let translated = try translation.answer(json, model: prepared.request.model)
                json = translated.json
                untranslated += translated.dropped
            } catch {
                return await pipeline.refuse(
                    GatewayError.upstream(.invalidAnswer(provider: provider, reason: error.reason)), trail: trail, admission: admission,
                    charge: reported ?? admission.worstCase)
            }
        }
        var inspection = makeInspection(streamed: false)
        let changed = await trail.trace.step(.inspectAnswer) { inspection.inspectComplete(&json) } || translation != .none
        trail.answerFindings = inspection.findings
        for field in untranslated { inspection.note(field) }
        trail.droppedAnswerFields = inspection.dropped
        // What the call cost: the reported usage, else an estimate from the answer's text (never zero output).
        let usage = cached ?? reported ?? inspection.usage ?? estimatedUsage(inspection)
        trail.usage = usage
        // Withheld answers were produced (and billed) by the provider: charged as used.
        if let failure = inspection.failure {
            switch failure {
            case .uninspectable(let field):
                return await pipeline.refuse(
                    GatewayError.upstream(.invalidAnswer(provider: provider, reason: "'\(field)' cannot be inspected")), trail: trail,
                    admission: admission, charge: usage)
            case .controlUnavailable(let control):
                return await pipeline.refuse(GatewayError.controlUnavailable(control: control), trail: trail, admission: admission, charge: usage)
            }
        }
        if let blocked = inspection.blocked {
            return await pipeline.refuse(GatewayError.responseBlocked(category: blocked.category), trail: trail, admission: admission, charge: usage)
        }
        let body = changed ? json.serialized() : bytes
        if pipeline.record.answerCapture == .providerAnswer { trail.providerAnswer = .json(bytes) }
        trail.answerBody = body
        if cached == nil, let id = inspection.continuation, let principal = trail.principal { pipeline.continuations.note(id, createdBy: principal) }
        do {
            // A provider's answer: its durable begin record already guarantees a trail, so the end record is
            // written while the answer goes out (a crash in between leaves begin + `aborted`; a graceful
            // shutdown waits for it). A cached answer leaves only once its record is durable (fail closed).
            try await pipeline.conclude(
                &trail, RequestEnd(status: 200, outcome: .allowed, charge: usage, cacheable: cached == nil ? CachedAnswer(payload: .complete(body: body), usage: usage) : nil),
                admission: admission, write: cached == nil ? .background : .beforeAnswer)
        } catch {
            return pipeline.render(error, trail: trail, extraHeaders: admission.headers)
        }
        return PipelineAnswer(status: 200, headers: [("content-type", "application/json")] + cacheHeader(cached) + admission.headers, body: .bytes(body))
    }

    /// Usage of an answer that reports none: the input estimate, and about four characters per output token
    /// of the text it carried (at least one token when it carried any).
    func estimatedUsage(_ inspection: AnswerInspection) -> TokenUsage {
        let characters = inspection.releasedCharacterCount
        return TokenUsage(inputTokens: prepared.request.estimatedInputTokens, outputTokens: characters == 0 ? 0 : characters / 4 + 1)
    }

    private func cacheHeader(_ cached: TokenUsage?) -> [(String, String)] {
        [("x-portcullis-cache", cached == nil ? "miss" : "hit")]
    }

    // MARK: streams

    private func stream<Source: AsyncSequence & Sendable>(_ source: Source, trail: RequestTrail, cached: TokenUsage? = nil) -> PipelineAnswer
    where Source.Element == ByteBuffer {
        let headers = [("content-type", "text/event-stream"), ("cache-control", "no-cache")] + cacheHeader(cached) + admission.headers
        let relay = self
        return PipelineAnswer(status: 200, headers: headers, body: .stream { emit in
            let stream = StreamRelay(relay, trail: trail, cached: cached)
            let trace = trail.trace
            var (trail, end) = await trace.step(.inspectAnswer) { await stream.run(source, emit: emit) }
            try? await relay.pipeline.conclude(&trail, end, admission: relay.admission)
        })
    }
}
