/// Accumulates the UTF-8 bytes of a detection view and, per view scalar, the original scalar range.
struct ViewBuilder {
    private(set) var bytes: [UInt8] = []
    /// The first `identity` view scalars are ASCII copies of original scalars `0..<identity` (the fast
    /// path for ASCII input keeps no per-scalar table); the arrays cover the scalars after them.
    private(set) var identity = 0
    private(set) var originStart: [Int32] = []
    private(set) var originEnd: [Int32] = []

    init() {}

    init(asciiIdentity bytes: [UInt8]) {
        self.bytes = bytes
        identity = bytes.count
    }

    var scalarCount: Int { identity + originStart.count }

    /// Original scalar range of view scalar `k`.
    func origin(_ k: Int) -> Range<Int32> {
        k < identity ? Int32(k)..<Int32(k + 1) : originStart[k - identity]..<originEnd[k - identity]
    }

    mutating func append(byte: UInt8, from: Int32, to: Int32) {
        bytes.append(byte)
        originStart.append(from)
        originEnd.append(to)
    }

    mutating func append(scalar: Unicode.Scalar, from: Int32, to: Int32) {
        if scalar.isASCII {
            append(byte: UInt8(scalar.value), from: from, to: to)
            return
        }
        for unit in UTF8.encode(scalar)! { bytes.append(unit) }
        originStart.append(from)
        originEnd.append(to)
    }

    /// Appends the pending word, folding look-alikes when the word mixes scripts (or is made only of
    /// look-alikes) and leetspeak when the result reads as a word.
    mutating func flush(_ word: inout PendingWord, evasions: inout NormalisedText.Evasions) {
        guard !word.isEmpty else { return }
        defer { word.removeAll() }
        var hasLatin = false
        var hasOther = false
        var hasConfusable = false
        for (k, b) in zip(word.kinds, word.bytes) {
            switch k {
            case .ascii: if PendingWord.isLetter(b) { hasLatin = true }
            case .confusable: hasConfusable = true
            case .otherLetter: hasOther = true
            }
        }
        let foldConfusables = hasConfusable && (hasLatin || !hasOther)
        if foldConfusables { evasions.insert(.homoglyph) }
        if !hasOther && (!hasConfusable || foldConfusables) {
            if word.foldLeet() { evasions.insert(.leetspeak) }
        }
        for i in word.bytes.indices {
            let origin = word.origins[i]
            switch word.kinds[i] {
            case .ascii:
                append(byte: word.bytes[i], from: origin, to: origin + 1)
            case .confusable(let v):
                if foldConfusables {
                    append(byte: word.bytes[i], from: origin, to: origin + 1)
                } else {
                    append(scalar: Unicode.Scalar(v)!, from: origin, to: origin + 1)
                }
            case .otherLetter(let v):
                append(scalar: Unicode.Scalar(v)!, from: origin, to: origin + 1)
            }
        }
    }

    /// Appends `part` (a normalised decoded span) on a new line, every scalar mapped to `origin`.
    mutating func appendDecoded(_ part: String, origin: Range<Int32>) {
        append(byte: 0x0A, from: origin.lowerBound, to: origin.upperBound)
        for scalar in part.unicodeScalars {
            append(scalar: scalar, from: origin.lowerBound, to: origin.upperBound)
        }
    }

    /// Appends a copy of the view's first `count` scalars transformed byte-for-byte by `map`
    /// (rot13), on a new line, keeping each scalar's origin.
    mutating func appendTransformedCopy(scalars count: Int, _ map: (UInt8) -> UInt8) {
        guard count > 0 else { return }
        let first = origin(0)
        append(byte: 0x0A, from: first.lowerBound, to: first.upperBound)
        var scalar = 0
        var i = 0
        while scalar < count, i < bytes.count {
            let b = bytes[i]
            let o = origin(scalar)
            let from = o.lowerBound
            let to = o.upperBound
            if b < 0x80 {
                append(byte: map(b), from: from, to: to)
                i += 1
            } else {
                var len = 1
                if b >= 0xF0 { len = 4 } else if b >= 0xE0 { len = 3 } else if b >= 0xC0 { len = 2 }
                for j in 0..<len where i + j < bytes.count { bytes.append(bytes[i + j]) }
                originStart.append(from)
                originEnd.append(to)
                i += len
            }
            scalar += 1
        }
    }

    /// Appends view bytes `range` (starting at view scalar `firstScalar`) transformed by `map`, on a new
    /// line, keeping each scalar's origin: a rot13 clause.
    mutating func appendTransformed(bytes range: Range<Int>, firstScalar: Int, _ map: (UInt8) -> UInt8) {
        guard !range.isEmpty else { return }
        let first = origin(firstScalar)
        append(byte: 0x0A, from: first.lowerBound, to: first.upperBound)
        var scalar = firstScalar
        for i in range where i < bytes.count {
            let b = bytes[i]
            guard b < 0x80 || b >= 0xC0 else { continue }  // continuation bytes: the clause is ASCII in practice
            let o = origin(min(scalar, scalarCount - 1))
            append(byte: b < 0x80 ? map(b) : 0x20, from: o.lowerBound, to: o.upperBound)
            scalar += 1
        }
    }

    func build(originalCount: Int, evasions: NormalisedText.Evasions) -> NormalisedText {
        NormalisedText(
            text: String(decoding: bytes, as: UTF8.self), identity: identity, originStart: originStart,
            originEnd: originEnd, originalCount: originalCount, evasions: evasions)
    }
}
