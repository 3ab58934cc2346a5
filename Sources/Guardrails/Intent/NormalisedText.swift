/// The text intent detectors look at: the input folded (invisible characters removed, homoglyphs,
/// compatibility forms and leetspeak folded to ASCII) followed by any hidden content decoded from it
/// (base64, hex, rot13), each decoded part on its own line. Every scalar of `text` knows the range of
/// original scalars it came from, so findings report offsets in the ORIGINAL text.
public struct NormalisedText: Sendable {
    /// Evasions seen while normalising.
    public struct Evasions: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let invisible = Evasions(rawValue: 1 << 0)
        public static let homoglyph = Evasions(rawValue: 1 << 1)
        public static let leetspeak = Evasions(rawValue: 1 << 2)
        public static let base64 = Evasions(rawValue: 1 << 3)
        public static let hex = Evasions(rawValue: 1 << 4)
        public static let rot13 = Evasions(rawValue: 1 << 5)
        /// Fullwidth, mathematical alphanumerics, enclosed letters, tag characters.
        public static let compatibility = Evasions(rawValue: 1 << 6)
    }

    /// The detection view.
    public let text: String
    /// Scalars of the original text.
    public let originalCount: Int
    /// What was found and undone.
    public let evasions: Evasions
    private let originStart: [Int32]
    private let originEnd: [Int32]

    init(text: String, originStart: [Int32], originEnd: [Int32], originalCount: Int, evasions: Evasions) {
        self.text = text
        self.originStart = originStart
        self.originEnd = originEnd
        self.originalCount = originalCount
        self.evasions = evasions
    }

    /// Normalises `original` (see `TextNormaliser`).
    public init(_ original: String) {
        self = TextNormaliser.normalise(original)
    }

    /// The original-text scalar range that the view scalars `range` came from.
    public func originalRange(ofViewScalars range: Range<Int>) -> Range<Int> {
        guard !originStart.isEmpty else { return 0..<0 }
        let lo = max(0, min(range.lowerBound, originStart.count - 1))
        let hi = max(lo, min(range.upperBound - 1, originStart.count - 1))
        var start = Int(originStart[lo])
        var end = Int(originEnd[hi])
        // A span over decoded text maps to its whole encoded source: widen to cover every scalar.
        if hi - lo <= 4096 {
            for k in lo...hi {
                start = min(start, Int(originStart[k]))
                end = max(end, Int(originEnd[k]))
            }
        }
        return start..<max(end, start)
    }
}
