import Support

/// The context words of all rules (`DetectorRule.contextWords`, `negativeContextWords`), compiled as
/// caseless literals into the same Vectorscan database as the patterns: one scan finds both, and a
/// candidate asks "is one of my words within my window" by a binary search over the occurrences instead
/// of searching its window for each of its words (which dominated the resolver's cost).
struct ContextWords: Sendable {
    /// Distinct words, lower-cased ASCII letters (other bytes as written).
    let words: [[UInt8]]
    /// Per rule: indexes into `words` (raising, lowering confidence).
    let raising: [[Int]]
    let lowering: [[Int]]
    /// Per rule: bit set over `words`, for the lookup.
    let raisingMask: [WordMask]
    let loweringMask: [WordMask]

    init(rules: [DetectorRule]) {
        var index: [[UInt8]: Int] = [:]
        var words: [[UInt8]] = []
        func ids(_ list: [String]) -> [Int] {
            list.map { word in
                let bytes = Array(word.lowercased().utf8)
                if let i = index[bytes] { return i }
                index[bytes] = words.count
                words.append(bytes)
                return words.count - 1
            }
        }
        raising = rules.map { ids($0.contextWords) }
        lowering = rules.map { ids($0.negativeContextWords) }
        self.words = words
        raisingMask = raising.map { WordMask($0, count: words.count) }
        loweringMask = lowering.map { WordMask($0, count: words.count) }
    }

    /// True when rule `rule` has context words of either kind.
    @inline(__always) func usesWords(_ rule: Int) -> Bool { !raising[rule].isEmpty || !lowering[rule].isEmpty }

    /// Vectorscan expressions for the words (caseless literals), in `words` order.
    var expressions: [String] {
        words.map { word in word.map { b in "\\x" + Hex.encode([b]) }.joined() }
    }

    /// True when `word` may start or end a word there: a letter must not touch it on that side (`call`
    /// is in "called", not in "recall"; words of up to three bytes must also end there: `fin` is not
    /// "final"). The window edges count as boundaries.
    func accepts(_ occurrence: WordHit, bytes: UnsafeBufferPointer<UInt8>, base: Int, windowStart: Int, windowEnd: Int) -> Bool {
        let word = words[occurrence.word]
        @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        if isLetter(word[0]), occurrence.start > windowStart, isLetter(bytes[occurrence.start - 1 - base]) { return false }
        if word.count <= 3, occurrence.end < windowEnd, isLetter(bytes[occurrence.end - base]) { return false }
        return true
    }
}

/// A set of word indexes.
struct WordMask: Sendable {
    private var bits: [UInt64]
    init(_ members: [Int], count: Int) {
        bits = [UInt64](repeating: 0, count: (count + 63) / 64)
        for m in members { bits[m >> 6] |= 1 << UInt64(m & 63) }
    }
    var isEmpty: Bool { bits.allSatisfy { $0 == 0 } }
    @inline(__always) func contains(_ m: Int) -> Bool { bits[m >> 6] & (1 << UInt64(m & 63)) != 0 }
}

/// One occurrence of a context word (absolute byte offsets in the scanned view).
struct WordHit: Sendable, Hashable {
    var word: Int
    var start: Int
    var end: Int
}

/// The context-word occurrences of one scan, sorted by start, for window lookups.
struct WordOccurrences {
    private(set) var hits: [WordHit] = []
    private var sorted = true

    mutating func append(_ hit: WordHit) {
        if let last = hits.last, last.start > hit.start { sorted = false }
        hits.append(hit)
    }

    mutating func prepare() {
        if !sorted {
            hits.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            sorted = true
        }
    }

    /// True when an occurrence of a word in `mask` lies wholly inside `[windowStart, windowEnd)`.
    func contains(
        _ mask: WordMask, in words: ContextWords, windowStart: Int, windowEnd: Int, bytes: UnsafeBufferPointer<UInt8>, base: Int
    ) -> Bool {
        var low = 0, high = hits.count
        while low < high {
            let mid = (low + high) / 2
            if hits[mid].start < windowStart { low = mid + 1 } else { high = mid }
        }
        var k = low
        while k < hits.count, hits[k].start < windowEnd {
            let h = hits[k]
            if h.end <= windowEnd, mask.contains(h.word),
                words.accepts(h, bytes: bytes, base: base, windowStart: windowStart, windowEnd: windowEnd)
            {
                return true
            }
            k += 1
        }
        return false
    }

    /// Forgets occurrences that start before `offset` (stream side, released text).
    mutating func drop(before offset: Int) {
        prepare()
        var k = 0
        while k < hits.count, hits[k].start < offset { k += 1 }
        if k > 0 { hits.removeFirst(k) }
    }
}
