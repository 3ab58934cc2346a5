import Core

/// A stateful inspector of one stream of answer text (one choice, one output item). It may hold
/// back a few characters to see a match whole; `finish` releases the rest.
public protocol AnswerTextFilter {
    mutating func feed(_ text: String) -> FilterOutput
    mutating func finish() -> FilterOutput
}

public struct FilterOutput: Sendable {
    /// Text released to the caller now (redacted, pseudonyms restored).
    public var text: String
    public var findings: [Finding]
    /// Set when the answer must stop: the stream ends with an error event.
    public var blocked: Finding?
    /// Set (to the control's name) when the filter cannot inspect: nothing more may be released; a
    /// stream ends with an error event, a complete answer is refused (503).
    public var unavailable: String?

    public init(text: String, findings: [Finding] = [], blocked: Finding? = nil, unavailable: String? = nil) {
        self.text = text
        self.findings = findings
        self.blocked = blocked
        self.unavailable = unavailable
    }
}

/// The filter of a response side with no inspection configured: releases text unchanged.
public struct PassThroughFilter: AnswerTextFilter {
    public init() {}
    public mutating func feed(_ text: String) -> FilterOutput { FilterOutput(text: text) }
    public mutating func finish() -> FilterOutput { FilterOutput(text: "") }
}
