/// rot13 detection: a text reads as rot13 when rotating its words hits more common English (and
/// injection) words than the text itself does. Words are packed into integers (5 bits a letter, at
/// most 12 letters) so the check allocates nothing per word.
enum Rot13 {
    static func map(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x41...0x5A: (b - 0x41 + 13) % 26 + 0x41
        case 0x61...0x7A: (b - 0x61 + 13) % 26 + 0x61
        default: b
        }
    }

    private static let common: Set<UInt64> = Set(
        """
        the and you your to of is are in that this it for with me all what my be not do now from have
        ignore previous instructions instruction system prompt reveal forget rules say print tell secret
        password above below disregard override jailbreak developer mode act as pretend
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { pack($0.utf8) })

    private static func pack<S: Sequence<UInt8>>(_ word: S) -> UInt64 {
        var v: UInt64 = 0
        for b in word { v = v << 5 | UInt64((b | 0x20) - 0x60) }
        return v
    }

    /// Clauses (between `.`, `!`, `?`, `:`, `;`, quotes, brackets and line breaks) of a text that is not
    /// rot13 as a whole but hides rot13 inside: each clause's byte range and first view scalar.
    static func encodedClauses(_ bytes: [UInt8]) -> [(bytes: Range<Int>, firstScalar: Int)] {
        var out: [(bytes: Range<Int>, firstScalar: Int)] = []
        var start = 0
        var scalar = 0
        var startScalar = 0
        func isBreak(_ b: UInt8) -> Bool {
            switch b {
            case 0x2E, 0x21, 0x3F, 0x3A, 0x3B, 0x22, 0x27, 0x28, 0x29, 0x5B, 0x5D, 0x0A, 0x0D, 0x60: true
            default: false
            }
        }
        // One pass counts e/t against r/g per clause; only clauses where rot13 letters dominate get the
        // word check (most English clauses never do).
        var et = 0
        var rg = 0
        for i in 0...bytes.count {
            let end = i == bytes.count || isBreak(bytes[i])
            if end {
                if i - start >= 12, rg > et, looksEncoded(bytes[start..<i], minimum: 2) {
                    out.append((start..<i, startScalar))
                }
                start = i + 1
                startScalar = scalar + 1
                et = 0
                rg = 0
                continue
            }
            let b = bytes[i]
            switch b | 0x20 {
            case 0x65, 0x74: et += 1
            case 0x72, 0x67: rg += 1
            default: break
            }
            if b < 0x80 || b >= 0xC0 { scalar += 1 }
        }
        return out
    }

    static func looksEncoded(_ bytes: ArraySlice<UInt8>, minimum: Int = 3) -> Bool {
        // Cheap pre-filter: English is rich in e and t; rot13 of English in r and g.
        var et = 0
        var rg = 0
        for b in bytes.prefix(16 * 1024) {
            switch b | 0x20 {
            case 0x65, 0x74: et += 1
            case 0x72, 0x67: rg += 1
            default: break
            }
        }
        guard rg > et else { return false }
        var plain = 0
        var rotated = 0
        var word: UInt64 = 0
        var rotatedWord: UInt64 = 0
        var length = 0
        for b in bytes.prefix(16 * 1024) {
            if PendingWord.isLetter(b) {
                let l = b | 0x20
                word = word << 5 | UInt64(l - 0x60)
                rotatedWord = rotatedWord << 5 | UInt64(map(l) - 0x60)
                length += 1
            } else if length > 0 {
                if length <= 12 {
                    if common.contains(word) { plain += 1 }
                    if common.contains(rotatedWord) { rotated += 1 }
                }
                word = 0
                rotatedWord = 0
                length = 0
            }
        }
        if length > 0, length <= 12 {
            if common.contains(word) { plain += 1 }
            if common.contains(rotatedWord) { rotated += 1 }
        }
        return rotated >= minimum && rotated > plain
    }
}
