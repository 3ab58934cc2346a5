import Core

/// One pattern of the detector catalogue, compiled with all others into a single Vectorscan database
/// per direction. A match is only a candidate: `validate` (checksums, placeholders, context) confirms it.
public struct DetectorRule: Sendable {
    /// Rule name reported as `Finding.detector`, e.g. `pii.sg_nric`, `secret.github_pat`, `injection.override`.
    public var id: String
    /// `pii.<type>`, `secret.<type>`, `injection`, `jailbreak`, `harmful.<kind>`, `exfiltration`, `custom.<name>`.
    public var category: String
    /// Vectorscan (PCRE subset) expression: no look-around, no back-references.
    public var pattern: String
    /// Case-insensitive match.
    public var caseless: Bool
    /// Which directions the rule runs on.
    public var directions: Set<Finding.Direction>
    /// Base confidence before validators and context words adjust it.
    public var baseScore: Double
    /// Words near a match that raise confidence (e.g. "passport", "NRIC").
    public var contextWords: [String]
    /// Confirms a candidate match and returns its final score, or nil to drop it.
    /// Receives the matched text and the surrounding text window.
    public var validate: @Sendable (_ match: Substring, _ context: Substring) -> Double?

    public init(
        id: String, category: String, pattern: String, caseless: Bool = false,
        directions: Set<Finding.Direction> = [.request, .response], baseScore: Double = 0.9,
        contextWords: [String] = [], validate: @escaping @Sendable (Substring, Substring) -> Double? = { _, _ in 1.0 }
    ) {
        self.id = id
        self.category = category
        self.pattern = pattern
        self.caseless = caseless
        self.directions = directions
        self.baseScore = baseScore
        self.contextWords = contextWords
        self.validate = validate
    }
}
