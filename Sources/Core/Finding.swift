/// A fact a guardrail established about some text. Never carries the detected value itself.
public struct Finding: Sendable, Hashable, Codable {
    public enum Direction: String, Sendable, Hashable, Codable {
        case request, response
    }

    /// The rule that fired, e.g. `pii.sg_nric.checked`, `secret.aws_access_key`.
    public var detector: String
    /// The category: `pii.<type>`, `secret.<type>`, `injection`, `jailbreak`, `harmful.<kind>`,
    /// `exfiltration`, `custom.<name>`.
    public var category: String
    /// Offsets in Unicode scalars within the inspected text, end exclusive.
    public var start: Int
    public var end: Int
    public var score: Double
    public var direction: Direction
    /// Index into `AIRequest.messages` (request side), or nil for response text.
    public var messageIndex: Int?

    public init(
        detector: String, category: String, start: Int, end: Int, score: Double,
        direction: Direction = .request, messageIndex: Int? = nil
    ) {
        self.detector = detector
        self.category = category
        self.start = start
        self.end = end
        self.score = score
        self.direction = direction
        self.messageIndex = messageIndex
    }
}
