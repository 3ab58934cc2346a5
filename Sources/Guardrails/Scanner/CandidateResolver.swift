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
    /// Context words of every rule, found by the same scan as the patterns.
    let context: ContextWords
    /// The rules behind one reference each: reading a rule from an array of structs copies it (a dozen
    /// retains per candidate), which showed in the profile.
    let boxes: [RuleBox]
    /// Trailing bytes to trim and the `startAfter` text, per rule, as bytes.
    let trim: [Set<UInt8>]
    let startAfter: [[UInt8]]

    final class RuleBox: Sendable {
        let rule: DetectorRule
        init(_ rule: DetectorRule) { self.rule = rule }
    }

    init(rules: [DetectorRule], minimumScore: Double) {
        self.rules = rules
        self.minimumScore = minimumScore
        context = ContextWords(rules: rules)
        boxes = rules.map(RuleBox.init)
        trim = rules.map { Set($0.trimTrailing.utf8) }
        startAfter = rules.map { Array($0.startAfter.utf8) }
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

    /// `bytes` holds the stream from offset `base`; `endOfData` says no more bytes will come; `words` are
    /// the context-word occurrences found so far (at least up to the end of `bytes`).
    func resolve(
        _ hit: RawHit, bytes: UnsafeBufferPointer<UInt8>, base: Int, endOfData: Bool, words: WordOccurrences
    ) -> Outcome {
        let box = boxes[hit.rule]
        @inline(__always) var rule: DetectorRule { box.rule }
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
            case .domainName(let limit):
                var j = to
                while j < end, byte(j) & 0xC0 == 0x80 { j += 1 }  // the pattern may end inside a scalar
                while j < end, j - to < limit {
                    let b = byte(j)
                    if b < 0x80 {
                        guard Self.isWordByte(b) && b != UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") else { break }
                        j += 1
                        continue
                    }
                    let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                    guard j + length <= end else { break }
                    let (v, _) = DataView.decode(UnsafeBufferPointer(rebasing: bytes[(j - base)...]), at: 0)
                    guard let scalar = Unicode.Scalar(v), scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                    else { break }
                    j += length
                }
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
        if let measure = rule.measure {
            guard let length = measure(UnsafeBufferPointer(rebasing: bytes[(from - base)..<(to - base)])) else {
                return to == end && !endOfData ? .incomplete : .rejected
            }
            to = from + length
        }
        if !trim[hit.rule].isEmpty {
            let trim = self.trim[hit.rule]
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
        if !startAfter[hit.rule].isEmpty {
            guard let k = Self.find(startAfter[hit.rule], in: bytes, from: from - base, to: to - base) else { return .rejected }
            from = base + k + startAfter[hit.rule].count
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
        let raising = context.raisingMask[hit.rule]
        let hasContext = !context.raising[hit.rule].isEmpty
            && words.contains(raising, in: context, windowStart: windowStart, windowEnd: windowEnd, bytes: bytes, base: base)
        if !hasContext, rule.baseScore < minimumScore, !context.raising[hit.rule].isEmpty { return .rejected }
        let window = String(decoding: UnsafeBufferPointer(rebasing: bytes[(windowStart - base)..<(windowEnd - base)]), as: UTF8.self)
        let utf8 = window.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: from - windowStart)
        let upper = utf8.index(lower, offsetBy: to - from)
        let text = window[...]
        guard var score = rule.validate(text[lower..<upper], text) else { return .rejected }
        if hasContext { score += rule.contextWeight }
        if !context.lowering[hit.rule].isEmpty,
            words.contains(
                context.loweringMask[hit.rule], in: context, windowStart: windowStart, windowEnd: windowEnd, bytes: bytes,
                base: base)
        {
            score -= rule.contextWeight
        }
        score = min(1, score)
        guard score > 0 else { return .rejected }
        return .confirmed(ByteMatch(rule: hit.rule, from: from, to: to, score: score))
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
