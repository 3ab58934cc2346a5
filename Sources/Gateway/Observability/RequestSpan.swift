import Synchronization
import Tracing

/// The span of one request (kind server), shared by every copy of its trail. Ended once, by the request's one
/// end (`Pipeline.conclude`); should a request never reach it (a stream whose body was never written), the
/// span ends when its last trail goes away, so no span is held open by the tracer for ever.
final class RequestSpan: Sendable {
    private let tracer: any Tracer
    private let span: any Span
    private let ended = Mutex(false)

    init(tracer: any Tracer, span: any Span) {
        self.tracer = tracer
        self.span = span
    }

    deinit {
        if !ended.withLock({ $0 }) { span.end() }
    }

    /// A child span for one step.
    func start(_ step: PipelineStep) -> any Span {
        tracer.startSpan(step.spanName, context: span.context, ofKind: step.kind)
    }

    /// Marks a step's span failed: `error.type` is the gateway's error code (a fixed word, never the message,
    /// which can quote the caller's request or the provider's answer); the status is an error only for a
    /// failure of the gateway or its upstreams (5xx), not for a refusal. Never `recordError`: an error's
    /// description can carry content.
    static func fail(_ span: any Span, _ error: any Error) {
        guard let error = error as? GatewayError else {
            // Another module's failure (an MCP server's): the conventions' word for an error without a code of ours.
            span.attributes["error.type"] = "_OTHER"
            span.setStatus(.init(code: .error))
            return
        }
        let mapped = ErrorResponse(error)
        span.attributes["error.type"] = mapped.code
        if mapped.status >= 500 { span.setStatus(.init(code: .error)) }
    }

    func finish(_ trail: RequestTrail, providerKind: String?, hidePolicyIDs: Bool) {
        let first = ended.withLock { ended in
            defer { ended = true }
            return !ended
        }
        guard first else { return }
        if span.isRecording {
            let described = RequestSpanAttributes(trail, providerKind: providerKind, hidePolicyIDs: hidePolicyIDs)
            span.operationName = described.name
            span.updateAttributes { $0.merge(described.attributes) }
            if described.failed { span.setStatus(.init(code: .error)) }
        }
        span.end()
    }
}
