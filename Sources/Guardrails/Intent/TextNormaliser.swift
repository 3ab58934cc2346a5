/// Builds a `NormalisedText`: one pass over the scalars folds them word by word (NFKC-like compatibility
/// folding, accents, homoglyphs, invisible characters, leetspeak), then hidden spans are decoded
/// (`EncodedSpans`) and appended. Written by hand: no library does confusable folding with an offset map.
enum TextNormaliser {
    /// Longest input normalised (scalars); the rest is passed through unfolded and undecoded.
    static let maxScalars = 64 * 1024

    static func normalise(_ original: String, depth: Int = 0) -> NormalisedText {
        var copy = original
        if let ascii = copy.withUTF8({ asciiView($0) }) {
            var (view, evasions) = ascii
            if depth == 0 {
                EncodedSpans.appendDecoded(to: &view, foldedScalars: view.scalarCount, evasions: &evasions)
            }
            return view.build(originalCount: view.identity, evasions: evasions)
        }
        var view = ViewBuilder()
        var word = PendingWord()
        var evasions: NormalisedText.Evasions = []
        var index: Int32 = 0
        for scalar in original.unicodeScalars {
            defer { index += 1 }
            let v = scalar.value
            if index >= maxScalars {
                view.flush(&word, evasions: &evasions)
                view.append(scalar: scalar, from: index, to: index + 1)
                continue
            }
            if v < 0x80 {
                if PendingWord.isWordByte(UInt8(v)) {
                    word.append(ascii: UInt8(v), origin: index, kind: .ascii)
                } else {
                    view.flush(&word, evasions: &evasions)
                    view.append(byte: UInt8(v), from: index, to: index + 1)
                }
                continue
            }
            switch ScalarFolding.fold(v) {
            case .remove?:
                evasions.insert(.invisible)  // dropped; a word split by it stays one word
            case .ascii(let bytes)?:
                if !(0x00C0...0x024F).contains(v) && !(0x1E00...0x1EFF).contains(v) && bytes != [0x20]
                    && bytes != [0x0A]
                {
                    evasions.insert(.compatibility)
                }
                if bytes.allSatisfy(PendingWord.isWordByte) {
                    for b in bytes { word.append(ascii: b, origin: index, kind: .ascii) }
                } else {
                    view.flush(&word, evasions: &evasions)
                    for b in bytes { view.append(byte: b, from: index, to: index + 1) }
                }
            case .confusable(let a)?:
                word.append(ascii: a, origin: index, kind: .confusable(v))
            case nil:
                if scalar.properties.isAlphabetic {
                    word.append(ascii: 0, origin: index, kind: .otherLetter(v))
                } else {
                    view.flush(&word, evasions: &evasions)
                    view.append(scalar: scalar, from: index, to: index + 1)
                }
            }
        }
        view.flush(&word, evasions: &evasions)
        let foldedScalars = view.scalarCount
        if depth == 0 {
            EncodedSpans.appendDecoded(to: &view, foldedScalars: foldedScalars, evasions: &evasions)
        }
        return view.build(originalCount: Int(index), evasions: evasions)
    }
}

extension TextNormaliser {
    /// Fast path for ASCII input: the view is the input with leetspeak folded in place (one byte for one
    /// byte), so offsets are the identity and no per-scalar table is built. Nil when not ASCII.
    static func asciiView(_ input: UnsafeBufferPointer<UInt8>) -> (ViewBuilder, NormalisedText.Evasions)? {
        var mask: UInt8 = 0
        for b in input { mask |= b }
        guard mask < 0x80 else { return nil }
        var bytes = Array(input)
        var evasions: NormalisedText.Evasions = []
        var i = 0
        let n = bytes.count
        while i < n {
            guard PendingWord.isWordByte(bytes[i]) else { i += 1; continue }
            var j = i
            var hasLeet = false
            while j < n, PendingWord.isWordByte(bytes[j]) {
                if PendingWord.leet(bytes[j]) != nil { hasLeet = true }
                j += 1
            }
            if hasLeet, PendingWord.foldLeet(&bytes, i..<j) { evasions.insert(.leetspeak) }
            i = j
        }
        return (ViewBuilder(asciiIdentity: bytes), evasions)
    }
}

/// A word being collected, so that look-alike folding and leetspeak can be decided per word.
struct PendingWord {
    enum Kind { case ascii, confusable(UInt32), otherLetter(UInt32) }
    var bytes: [UInt8] = []
    var kinds: [Kind] = []
    var origins: [Int32] = []

    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x24
    }

    mutating func append(ascii: UInt8, origin: Int32, kind: Kind) {
        bytes.append(ascii)
        kinds.append(kind)
        origins.append(origin)
    }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        origins.removeAll(keepingCapacity: true)
    }

    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    /// Leetspeak digit or sign → letter, for words such as `1gn0re` or `pr0mpt`.
    static func leet(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0"): UInt8(ascii: "o")
        case UInt8(ascii: "1"): UInt8(ascii: "i")
        case UInt8(ascii: "3"): UInt8(ascii: "e")
        case UInt8(ascii: "4"): UInt8(ascii: "a")
        case UInt8(ascii: "5"): UInt8(ascii: "s")
        case UInt8(ascii: "7"): UInt8(ascii: "t")
        case UInt8(ascii: "$"): UInt8(ascii: "s")
        default: nil
        }
    }

    /// Folds leetspeak in place when some leet character has a letter before and after it in the word
    /// (`h4ck`, `1nstruct10ns`), which leaves `mp3`, `h264`, `covid19` and `4k` alone. Words longer than
    /// 20 bytes or with a lower-to-upper case change (`SWdub3Jl`: base64, identifiers) are left alone.
    mutating func foldLeet() -> Bool {
        Self.foldLeet(&bytes, bytes.indices)
    }

    static func foldLeet(_ bytes: inout [UInt8], _ word: Range<Int>) -> Bool {
        guard word.count >= 3, word.count <= 20 else { return false }
        for i in word.dropFirst() where bytes[i - 1] >= 0x61 && bytes[i - 1] <= 0x7A && bytes[i] >= 0x41 && bytes[i] <= 0x5A {
            return false
        }
        var firstLetter = -1
        var lastLetter = -1
        for i in word where isLetter(bytes[i]) {
            if firstLetter < 0 { firstLetter = i }
            lastLetter = i
        }
        guard firstLetter >= 0 else { return false }
        var qualifies = false
        for i in word where i > firstLetter && i < lastLetter && leet(bytes[i]) != nil {
            qualifies = true
            break
        }
        guard qualifies else { return false }
        for i in word { if let l = leet(bytes[i]) { bytes[i] = l } }
        return true
    }
}
