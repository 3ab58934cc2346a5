import Tracing

/// A step of the pipeline (DESIGN.md) as it shows in a trace: one child span of the request span each time it runs.
public enum PipelineStep: String, Sendable, CaseIterable {
    case authenticate
    case understand
    case inspectRequest = "inspect_request"
    case decide
    case admit
    case applyObligations = "apply_obligations"
    /// One call to a provider (or MCP server): one span per attempt, retries and fallbacks included.
    case forward
    case inspectAnswer = "inspect_answer"
    /// An audit record written: `portcullis.record` says which (begin, end, complete).
    case record

    /// The span's name.
    public var spanName: String { rawValue }

    var kind: SpanKind {
        switch self {
        case .forward: .client
        case .authenticate, .understand, .inspectRequest, .decide, .admit, .applyObligations, .inspectAnswer, .record: .internal
        }
    }
}
