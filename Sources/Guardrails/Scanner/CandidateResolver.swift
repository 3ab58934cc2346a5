/// A confirmed match in bytes (stream offsets), with its validated, context-adjusted score.
struct ByteMatch: Sendable, Hashable {
    var rule: Int
    var from: Int
    var to: Int
    var score: Double
}

/// Turns raw Vectorscan hits into confirmed matches: grows spans (`spanExtension`), checks word
/// boundaries, trims `key = value` matches to the value, runs the rule's validator on the match and its
/// surrounding window, and applies context words.
struct CandidateResolver: Sendable {
    let rules: [DetectorRule]
    /// Rules whose base score is below this only survive with a context word nearby; checking the words
    /// first spares the validator most candidates (digit runs without "account" or "passport" near them).
    let minimumScore: Double
    /// Context words as ASCII-lower-cased bytes, per rule.
    let contextBytes: [[[UInt8]]]
    let negativeBytes: [[[UInt8]]]

    init(rules: [DetectorRule], minimumScore: Double) {
        self.rules = rules
        self.minimumScore = minimumScore
        contextBytes = rules.map { $0.contextWords.map { Array($0.lowercased().utf8) } }
        negativeBytes = rules.map { $0.negativeContextWords.map { Array($0.lowercased().utf8) } }
    }
    /// Bytes of surrounding text a validator and the context words see.
    static let contextBefore = 64
    static let contextAfter = 32

    enum Outcome {
        case confirmed(ByteMatch)
        case rejected
        /// The span extension runs to the end of the data seen so far: wait for more.
        case incomplete
    }

    /// `bytes` holds the stream from offset `base`; `endOfData` says no more bytes will come.
    func resolve(_ hit: RawHit, bytes: UnsafeBufferPointer<UInt8>, base: Int, endOfData: Bool) -> Outcome {
        let rule = rules[hit.rule]
        let end = base + bytes.count
        var from = rule.reportsStart ? hit.from : hit.to
        var to = hit.to
        guard from >= base, to <= end else { return .rejected }
        @inline(__always) func byte(_ offset: Int) -> UInt8 { bytes[offset - base] }

        if let ext = rule.spanExtension {
            switch ext {
            case .whileIn(let set, let limit):
                var j = to
                while j < end, j - to < limit, set.contains(byte(j)) { j += 1 }
                if j == end, !endOfData, j - to < limit { return .incomplete }
                to = j
            case .through(let terminator, let closing, let limit):
                let stop = min(end, to + limit)
                guard let t = Self.find(Array(terminator.utf8), in: bytes, from: to - base, to: stop - base) else {
                    return (stop == end && !endOfData) ? .incomplete : .rejected
                }
                to = base + t + terminator.utf8.count
                if let closing {
                    let lineStop = min(end, to + 80)
                    if let c = Self.find(Array(closing.utf8), in: bytes, from: to - base, to: lineStop - base) {
                        to = base + c + closing.utf8.count
                    } else if lineStop == end, !endOfData {
                        return .incomplete
                    }
                }
            }
        }
        if case .whileIn(let set, let limit) = rule.extendLeft {
            var j = from
            while j > base, from - j < limit, set.contains(byte(j - 1)) { j -= 1 }
            from = j
        }
        if !rule.trimTrailing.isEmpty {
            let trim = Set(rule.trimTrailing.utf8)
            while to > from + 1, trim.contains(byte(to - 1)) { to -= 1 }
        }
        if rule.isolated {
            if from > base, Self.isWordByte(byte(from - 1)) { return .rejected }
            if to < end {
                if Self.isWordByte(byte(to)) { return .rejected }
            } else if !endOfData {
                return .incomplete
            }
        }
        if rule.valueOnly, let valueStart = Self.valueStart(bytes, from: from - base, to: to - base) {
            from = base + valueStart
            while to > from, [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ",")].contains(byte(to - 1)) {
                to -= 1
            }
            guard to > from else { return .rejected }
        }

        // Context window on scalar boundaries, as a String; the match is a slice of it.
        var windowStart = max(base, from - Self.contextBefore)
        while windowStart < from, byte(windowStart) & 0xC0 == 0x80 { windowStart += 1 }
        var windowEnd = min(end, to + Self.contextAfter)
        while windowEnd > to, windowEnd < end, byte(windowEnd) & 0xC0 == 0x80 { windowEnd -= 1 }
        let windowBytes = UnsafeBufferPointer(rebasing: bytes[(windowStart - base)..<(windowEnd - base)])
        let hasContext = Self.containsAny(contextBytes[hit.rule], in: windowBytes)
        if !hasContext, rule.baseScore < minimumScore, !contextBytes[hit.rule].isEmpty { return .rejected }
        let window = String(decoding: UnsafeBufferPointer(rebasing: bytes[(windowStart - base)..<(windowEnd - base)]), as: UTF8.self)
        let utf8 = window.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: from - windowStart)
        let upper = utf8.index(lower, offsetBy: to - from)
        let context = window[...]
        guard var score = rule.validate(context[lower..<upper], context) else { return .rejected }
        if hasContext { score += rule.contextWeight }
        if Self.containsAny(negativeBytes[hit.rule], in: windowBytes) { score -= rule.contextWeight }
        score = min(1, score)
        guard score > 0 else { return .rejected }
        return .confirmed(ByteMatch(rule: hit.rule, from: from, to: to, score: score))
    }

    /// True when one of `needles` (lower-case) occurs in `haystack` at the start of a word, ASCII letters
    /// compared case-insensitively (`call` matches "called", not "recall"); words of up to three letters
    /// must also end there (`fin` is not "final", `cc` not "accept").
    static func containsAny(_ needles: [[UInt8]], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needles.isEmpty else { return false }
        @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        for needle in needles where needle.count <= haystack.count {
            let first = needle[0]
            let wholeWord = needle.count <= 3
            var i = 0
            let last = haystack.count - needle.count
            while i <= last {
                if Self.lower(haystack[i]) == first, i == 0 || !isLetter(haystack[i - 1]) || !isLetter(first) {
                    var k = 1
                    while k < needle.count, Self.lower(haystack[i + k]) == needle[k] { k += 1 }
                    if k == needle.count, !wholeWord || i + k == haystack.count || !isLetter(haystack[i + k]) {
                        return true
                    }
                }
                i += 1
            }
        }
        return false
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_")
    }

    /// Offset of the value in `key = value` / `key: "value"` / `key => value`.
    static func valueStart(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = from
        while i < to, bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: ":") { i += 1 }
        if i == to, let k = find(Array(" is ".utf8), in: bytes, from: from, to: to) { i = k + 3 }
        guard i < to else { return nil }
        let skip: Set<UInt8> = [0x3D, 0x3A, 0x3E, 0x20, 0x09, 0x22, 0x27]  // = : > space tab " '
        while i < to, skip.contains(bytes[i]) { i += 1 }
        return i < to ? i : nil
    }

    static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let first = needle.first, to - from >= needle.count else { return nil }
        var i = from
        while i <= to - needle.count {
            if bytes[i] == first {
                var k = 1
                while k < needle.count, bytes[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
