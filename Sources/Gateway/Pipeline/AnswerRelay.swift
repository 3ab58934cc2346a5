import Core
import Foundation
import NIOCore
import Providers

/// Steps 8 and 9b: passes the provider's answer to the caller through the response guardrails,
/// settles the admission with the real usage, fills the cache, and writes the end record —
/// for complete bodies and for streams, which are relayed as they arrive, never buffered whole.
struct AnswerRelay: Sendable {
    let pipeline: Pipeline
    let prepared: PreparedRequest
    let admission: Admission
    let provider: String

    private var operation: Core.Operation { prepared.request.operation }

    func relay(_ upstream: UpstreamResponse, trail: RequestTrail) async -> PipelineAnswer {
        switch upstream.body {
        case .complete(let buffer):
            return await complete(Array(buffer.readableBytesView), status: upstream.status, contentType: upstream.contentType, trail: trail)
        case .streaming(let body):
            return stream(body, trail: trail)
        }
    }

    /// A cache hit: replayed through the same output guardrails, audited as `cache_hit`.
    func replay(_ hit: CachedAnswer, trail: RequestTrail) async -> PipelineAnswer {
        switch hit.body {
        case .json(let bytes):
            return await complete(bytes, status: 200, contentType: "application/json", trail: trail, cached: hit.usage)
        case .events(let events):
            let source = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                for e in events { continuation.yield(ByteBuffer(bytes: e.encoded())) }
                continuation.finish()
            }
            return stream(source, trail: trail, cached: hit.usage)
        }
    }

    // MARK: complete bodies

    private func complete(_ bytes: [UInt8], status: Int, contentType: String?, trail: RequestTrail, cached: TokenUsage? = nil) async -> PipelineAnswer {
        var trail = trail
        guard (200..<300).contains(status) else {
            // Providers do not bill refused calls: the reservation is given back (a hit is always a 200).
            trail.outcome = .upstreamError
            return await finish(error: .upstreamStatus(status: status, body: bytes, contentType: contentType), trail: trail, charge: nil)
        }
        guard var json = try? JSONParser.parse(bytes) else {
            // The provider answered 2xx, so it may have billed; what it used is unknown: charge the worst case.
            trail.outcome = .upstreamError
            return await finish(error: .upstream(.unreachable(provider: provider, reason: "answer is not JSON")), trail: trail,
                                charge: cached ?? admission.worstCase)
        }
        // What the call cost: the reported usage, else an estimate from the answer's text (never zero output).
        let usage = cached ?? AnswerText.usage(json) ?? estimatedUsage(json)
        var changed = false
        for slot in AnswerText.slots(inAnswer: json, operation: operation) {
            var filter = pipeline.inspectResponse.makeFilter(for: prepared)
            let first = filter.feed(slot.text)
            let rest = filter.finish()
            trail.responseFindings += first.findings + rest.findings
            if let control = first.unavailable ?? rest.unavailable {
                // Withheld because it could not be inspected; the provider billed it: charged as used.
                trail.outcome = .controlUnavailable
                trail.usage = usage
                return await finish(error: .controlUnavailable(control: control), trail: trail, charge: usage)
            }
            if let blocked = first.blocked ?? rest.blocked {
                // Withheld from the caller, but produced (and billed) by the provider: charged as used.
                trail.outcome = .blockedGuardrail
                trail.usage = usage
                return await finish(error: .responseBlocked(category: blocked.category), trail: trail, charge: usage)
            }
            let text = first.text + rest.text
            if text != slot.text {
                json.set(.string(text), at: slot.path)
                changed = true
            }
        }
        let body = changed ? json.encodedBytes() : bytes
        if pipeline.record.answerCapture == .providerAnswer { trail.providerAnswer = .json(bytes) }
        trail.usage = usage
        trail.status = 200
        trail.responseBody = body
        trail.finished = .now
        if cached == nil {
            await pipeline.admit.settle(admission, usage: usage)
            await pipeline.admit.store(admission, answer: CachedAnswer(body: .json(body), usage: usage))
            // The durable begin record already guarantees a trail; the end record is written while the
            // answer goes out (a crash in between leaves begin + `aborted`; a graceful shutdown waits for
            // it), keeping one fsync off the caller's latency.
            pipeline.record.endInBackground(trail)
        } else {
            await pipeline.admit.settle(admission, usage: usage)
            // A cached answer leaves only once its record is durable (fail closed, as a begin record).
            do { try await pipeline.record.completeBeforeAnswer(trail) } catch {
                return pipeline.answer(error, trail: trail, extraHeaders: admission.headers)
            }
        }
        pipeline.metrics.recordRequest(route: trail.context.route, status: 200, model: trail.modelRequested, trail: trail)
        return PipelineAnswer(status: 200, headers: [("content-type", "application/json")] + cacheHeader(cached) + admission.headers, body: .bytes(body))
    }

    /// Ends a complete answer with an error; `charge` is what the admission is settled with (nil: released).
    private func finish(error: GatewayError, trail: RequestTrail, charge: TokenUsage?) async -> PipelineAnswer {
        var trail = trail
        trail.status = ErrorResponse(error).status
        trail.finished = .now
        await pipeline.admit.settle(admission, usage: charge)
        if trail.cacheHit { await pipeline.record.complete(trail) } else { await pipeline.record.end(trail) }
        return pipeline.answer(error, trail: trail, extraHeaders: admission.headers)
    }

    /// Usage of an answer that reports none: the input estimate, and about four bytes per output token of
    /// every text the answer carries (at least one token when it carries any).
    private func estimatedUsage(_ json: JSONValue) -> TokenUsage {
        let slots = AnswerText.slots(inAnswer: json, operation: operation)
        let bytes = slots.reduce(0) { $0 + $1.text.utf8.count }
        return TokenUsage(inputTokens: prepared.request.estimatedInputTokens, outputTokens: slots.isEmpty ? 0 : bytes / 4 + 1)
    }

    private func cacheHeader(_ cached: TokenUsage?) -> [(String, String)] {
        [("x-portcullis-cache", cached == nil ? "miss" : "hit")]
    }

    // MARK: streams

    private func stream<Source: AsyncSequence & Sendable>(_ source: Source, trail: RequestTrail, cached: TokenUsage? = nil) -> PipelineAnswer
    where Source.Element == ByteBuffer {
        let headers = [("content-type", "text/event-stream"), ("cache-control", "no-cache")] + cacheHeader(cached) + admission.headers
        let relay = self
        let callerWantsUsage = prepared.request.body["stream_options"]?["include_usage"]?.boolValue == true
        return PipelineAnswer(status: 200, headers: headers, body: .stream { emit in
            await StreamRelay(relay, trail: trail, cached: cached, callerWantsUsage: callerWantsUsage).run(source, emit: emit)
        })
    }

    static func isTerminalResponsesEvent(_ event: SSEEvent) -> Bool {
        let name = event.event ?? ""
        return name == "response.completed" || name == "response.failed" || name == "response.incomplete"
            || event.data.starts(with: Array(#"{"type":"response.completed""#.utf8))
    }

    /// The last event of a stream the gateway ends: chat gets `{"error":...}` then `[DONE]`;
    /// the Responses API gets its own `error` event.
    func errorEvent(code: String, message: String) -> [SSEEvent] {
        let escaped = JSONText.escape(message)
        if operation == .responses {
            return [SSEEvent(event: "error", data: Array(#"{"type":"error","code":"\#(code)","message":"\#(escaped)","param":null}"#.utf8))]
        }
        return [
            SSEEvent(data: Array(#"{"error":{"message":"\#(escaped)","type":"server_error","param":null,"code":"\#(code)"}}"#.utf8)),
            SSEEvent(data: Array("[DONE]".utf8)),
        ]
    }
}
