import Core

/// What `GuardrailEngine.enforce` decided for a request.
public enum RequestVerdict: Sendable {
    /// Forward this (possibly rewritten) request; keep the vault for the response filter.
    case forward(AIRequest, PseudonymVault)
    /// Refuse: answer 400 naming `category` (never the value).
    case block(category: String, finding: Finding)
    /// The text could not be scanned: refuse as a control that cannot run (503), fail closed.
    case unavailable
}

/// A detector that is not a pattern (e.g. a classifier), run on every message by the engine.
public protocol TextDetector: Sendable {
    /// Findings in `text`; offsets in Unicode scalars. `messageIndex` is filled in by the engine.
    func detect(_ text: String, role: AIMessage.Role, direction: Finding.Direction) -> [Finding]
}
