import Core
import Providers
import Tracing

/// Where the pipeline's spans go: a tracer (the OTLP exporter's when `observability.tracing.enabled`, an
/// in-memory one in tests), or none — then no span is ever created and each step costs one nil check.
/// Never the process-global `InstrumentationSystem`: each gateway (and each test) has its own.
public struct RequestTracing: Sendable {
    let tracer: (any Tracer)?

    public init(tracer: (any Tracer)?) {
        self.tracer = tracer
    }

    public static let off = RequestTracing(tracer: nil)

    public var isOn: Bool { tracer != nil }

    /// The request span of one call (kind server), a child of the caller's span when it sent a valid
    /// `traceparent`. `name` is its first name; `RequestTrace.finish` names it after what the request turned out to be.
    func startRequest(_ name: String, caller: CallerTraceContext?) -> RequestTrace {
        guard let tracer else { return .off }
        var parent = InstrumentationContext.topLevel
        if let caller { tracer.extract(caller.carrier, into: &parent, using: HeaderExtractor()) }
        let span = tracer.startSpan(name, context: parent, ofKind: .server)
        // Not sampled: its steps would not be either, so none is started.
        guard span.isRecording else {
            span.end()
            return .off
        }
        return RequestTrace(span: RequestSpan(tracer: tracer, span: span))
    }

    /// Reads only the validated context, so nothing else of the request can reach the tracer (or its logs).
    private struct HeaderExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }
}

/// The trace of one request, carried in its `RequestTrail`: its request span, or nothing when tracing is off.
/// Each step runs through `step`, which wraps it in a child span.
struct RequestTrace: Sendable {
    let span: RequestSpan?

    static let off = RequestTrace(span: nil)

    /// Runs one step of the request inside its own child span; a step that throws leaves `error.type` (the
    /// error's code, never its message) on its span. `phase`: which record a `record` step writes.
    func step<T, E: Error>(_ step: PipelineStep, phase: String? = nil, _ body: () async throws(E) -> T) async throws(E) -> T {
        guard let span else { return try await body() }
        let child = span.start(step)
        if let phase { child.attributes["portcullis.record"] = phase }
        return try await Self.within(child, body)
    }

    /// One call to an upstream (kind client), with the provider, the upstream model and the HTTP status it answered.
    func forward(provider: String?, model: String?, _ call: () async throws(GatewayError) -> UpstreamResponse) async throws(GatewayError) -> UpstreamResponse {
        guard let span else { return try await call() }
        let child = span.start(.forward)
        if let provider { child.attributes["gen_ai.provider.name"] = provider }
        if let model { child.attributes["gen_ai.request.model"] = model }
        return try await Self.within(child, call) { head in
            child.attributes["http.response.status_code"] = head.status
            if head.status >= 500 { child.setStatus(.init(code: .error)) }
        }
    }

    /// Runs `body` as the work of `child`: `done` notes what it returned, a throw leaves `error.type`; ends the span.
    private static func within<T, E: Error>(
        _ child: any Span, _ body: () async throws(E) -> T, done: (T) -> Void = { _ in }
    ) async throws(E) -> T {
        do {
            let value = try await body()
            done(value)
            child.end()
            return value
        } catch {
            RequestSpan.fail(child, error)
            child.end()
            throw error
        }
    }

    /// Ends the request span with what the trail says of the request (see `RequestSpanAttributes`).
    func finish(_ trail: RequestTrail, providerKind: String?, hidePolicyIDs: Bool) {
        span?.finish(trail, providerKind: providerKind, hidePolicyIDs: hidePolicyIDs)
    }
}
