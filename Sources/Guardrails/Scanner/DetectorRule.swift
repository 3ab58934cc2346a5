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

    // Additive options (defaults keep the behaviour above). `match` handed to `validate` is a slice of
    // `context`, so a validator can look at the characters right before and after it.

    /// Words near a match that lower confidence (e.g. "version", "order" next to a digit run).
    public var negativeContextWords: [String] = []
    /// Added to (context word) or subtracted from (negative context word) the validated score.
    public var contextWeight: Double = 0.35
    /// Reject the match when a letter or digit touches it on either side (ASCII word boundary;
    /// Vectorscan refuses `\b` in some modes, so the scanner checks it).
    public var isolated: Bool = false
    /// Grows the span after the pattern matched, for tokens longer than a pattern should be
    /// (JWTs, PEM blocks). Keeps patterns short and bounded, which the stream hold-back needs.
    public var spanExtension: SpanExtension? = nil
    /// Grows the span to the left while bytes are in the set (only `.whileIn` applies), e.g. the local
    /// part of an e-mail address before the `@` the pattern starts at. Counts towards the hold-back.
    public var extendLeft: SpanExtension? = nil
    /// Bytes stripped from the end of the span after extension (e.g. a full stop after an address).
    public var trimTrailing: String = ""
    /// For `key = value` rules: the finding covers only the value, not the key.
    public var valueOnly: Bool = false
    /// Cuts the grown span to the value's length in bytes (nil: not a value), for values whose length
    /// only the value itself says (an IBAN's country fixes it). Lets the pattern stay a short anchor.
    public var measure: (@Sendable (UnsafeBufferPointer<UInt8>) -> Int?)? = nil
    /// The finding starts after the first occurrence of this text in the match (`//` of a URL whose
    /// user and password are the finding); empty: where the match starts.
    public var startAfter: String = ""
    /// Ask Vectorscan for the start of match (leftmost). Without it a finding is the single point at
    /// the match end; turn off only for patterns too large to compile with start-of-match tracking.
    public var reportsStart: Bool = true

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

/// How a match grows beyond what its pattern matched.
public enum SpanExtension: Sendable, Hashable {
    /// Extend while the next byte is one of these ASCII bytes, up to `limit` extra bytes.
    case whileIn(Set<UInt8>, limit: Int)
    /// Extend through the first occurrence of `terminator` (and the rest of that line up to `closing`,
    /// if given) within `limit` extra bytes; the match is dropped when it never comes.
    case through(terminator: String, closing: String?, limit: Int)
    /// Extend over a domain name: ASCII letters, digits, `.` and `-`, and letters and digits of any
    /// script (`例子.公司`), up to `limit` extra bytes.
    case domainName(limit: Int)

    /// The most bytes an extension can add; part of the stream hold-back.
    public var limit: Int {
        switch self {
        case .whileIn(_, let limit): limit
        case .through(_, _, let limit): limit
        case .domainName(let limit): limit
        }
    }

    /// Any byte except ASCII controls, space and the given characters (UTF-8 bytes of other scalars are kept).
    public static func anyExcept(_ excluded: String, limit: Int) -> SpanExtension {
        let out = Set(excluded.utf8)
        return .whileIn(Set((0x21...0xFF).map(UInt8.init).filter { $0 != 0x7F && !out.contains($0) }), limit: limit)
    }

    /// ASCII letters, digits and the given extra characters.
    public static func alphanumeric(plus extra: String = "", limit: Int) -> SpanExtension {
        var set = Set<UInt8>()
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { set.insert(b) }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { set.insert(b) }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { set.insert(b) }
        for b in extra.utf8 { set.insert(b) }
        return .whileIn(set, limit: limit)
    }
}
