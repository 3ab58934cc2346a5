/// The text intent detectors look at: the input folded (invisible characters removed, homoglyphs,
/// compatibility forms and leetspeak folded to ASCII) followed by any hidden content decoded from it
/// (base64, hex, rot13, spaced-out letters), each decoded part on its own line. Every scalar of `text` knows the range of
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
        /// Letters spaced out (`i g n o r e`) to break words apart.
        public static let spacing = Evasions(rawValue: 1 << 7)
    }

    /// The detection view.
    public let text: String
    /// Scalars of the original text.
    public let originalCount: Int
    /// What was found and undone.
    public let evasions: Evasions
    /// View scalars `0..<identity` are copies of the same original scalars; the arrays cover the rest.
    private let identity: Int
    private let originStart: [Int32]
    private let originEnd: [Int32]

    init(text: String, identity: Int, originStart: [Int32], originEnd: [Int32], originalCount: Int, evasions: Evasions) {
        self.text = text
        self.identity = identity
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
        let count = identity + originStart.count
        guard count > 0 else { return 0..<0 }
        func origin(_ k: Int) -> (Int, Int) {
            k < identity ? (k, k + 1) : (Int(originStart[k - identity]), Int(originEnd[k - identity]))
        }
        let lo = max(0, min(range.lowerBound, count - 1))
        let hi = max(lo, min(range.upperBound - 1, count - 1))
        var start = origin(lo).0
        var end = origin(hi).1
        // A span over decoded text maps to its whole encoded source: widen to cover every scalar.
        if hi - lo <= 4096, hi >= identity {
            for k in max(lo, identity)...hi {
                let o = origin(k)
                start = min(start, o.0)
                end = max(end, o.1)
            }
        }
        return start..<max(end, start)
    }
}
