/// rot13 detection: a text reads as rot13 when rotating its words hits more common English (and
/// injection) words than the text itself does.
enum Rot13 {
    static func map(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x41...0x5A: (b - 0x41 + 13) % 26 + 0x41
        case 0x61...0x7A: (b - 0x61 + 13) % 26 + 0x61
        default: b
        }
    }

    /// Lowercase words, each at most 12 letters.
    private static let common: Set<[UInt8]> = Set(
        """
        the and you your to of is are in that this it for with me all what my be not do now from have
        ignore previous instructions instruction system prompt reveal forget rules say print tell secret
        password above below disregard override jailbreak developer mode act as pretend
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { Array($0.utf8) })

    static func looksEncoded(_ bytes: [UInt8]) -> Bool {
        var plain = 0
        var rotated = 0
        var word: [UInt8] = []
        word.reserveCapacity(12)
        var rotatedWord: [UInt8] = []
        rotatedWord.reserveCapacity(12)
        var tooLong = false
        func finish() {
            if !word.isEmpty, !tooLong {
                if common.contains(word) { plain += 1 }
                if common.contains(rotatedWord) { rotated += 1 }
            }
            word.removeAll(keepingCapacity: true)
            rotatedWord.removeAll(keepingCapacity: true)
            tooLong = false
        }
        for b in bytes.prefix(16 * 1024) {
            if PendingWord.isLetter(b) {
                if word.count < 12 {
                    word.append(b | 0x20)
                    rotatedWord.append(map(b | 0x20))
                } else {
                    tooLong = true
                }
            } else {
                finish()
            }
        }
        finish()
        return rotated >= 3 && rotated > plain
    }
}
