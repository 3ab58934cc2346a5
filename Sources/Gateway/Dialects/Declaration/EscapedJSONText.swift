import Core

/// Decodes the `\uXXXX` (and `\/`) escapes of JSON written as a string — tool-call arguments — so the
/// guardrails read `a\u0040b.com` as `a@b.com`. Only escapes whose character may stand unescaped in a JSON
/// string are decoded (`"`, `\` and control characters stay escaped), so valid JSON stays valid and means the
/// same. Incremental: an escape split across stream deltas is held back until it is whole.
///
/// Written by hand: no library rewrites escapes inside JSON text while leaving the rest byte for byte.
struct EscapedJSONText {
    /// Bytes of an escape sequence that is not complete yet (`\`, `\u00`, `\uD83D\u`...).
    private var pending: [UInt8] = []

    /// The whole text, decoded.
    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return text }
        var decoder = EscapedJSONText()
        return decoder.feed(text) + decoder.finish()
    }

    /// Decodes what can be decoded of `piece` (with what was held back); holds back an incomplete escape.
    mutating func feed(_ piece: String) -> String {
        if pending.isEmpty, !piece.utf8.contains(UInt8(ascii: "\\")) { return piece }
        let input = pending + Array(piece.utf8)
        pending.removeAll()
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let b = input[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            switch Self.escape(input, at: i) {
            case .incomplete:
                pending = Array(input[i...])
                i = input.count
            case .keep(let length):
                out += input[i..<(i + length)]
                i += length
            case .decoded(let bytes, let length):
                out += bytes
                i += length
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Releases an escape still held back (a stream that ended inside one): as it was written.
    mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    private enum Escape {
        case incomplete
        case keep(Int)
        case decoded([UInt8], Int)
    }

    private static func escape(_ s: [UInt8], at i: Int) -> Escape {
        guard i + 1 < s.count else { return .incomplete }
        switch s[i + 1] {
        case UInt8(ascii: "/"): return .decoded([UInt8(ascii: "/")], 2)
        case UInt8(ascii: "u"): break
        default: return .keep(2)  // \" \\ \n \t ... and anything else: as written
        }
        guard let high = hex4(s, at: i + 2) else { return i + 6 > s.count ? .incomplete : .keep(2) }
        var scalar = high
        var length = 6
        if (0xD800..<0xDC00).contains(high) {
            guard i + 12 <= s.count else { return .incomplete }
            guard s[i + 6] == UInt8(ascii: "\\"), s[i + 7] == UInt8(ascii: "u"), let low = hex4(s, at: i + 8), (0xDC00..<0xE000).contains(low)
            else { return .keep(6) }
            scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            length = 12
        }
        guard scalar >= 0x20, scalar != 0x22, scalar != 0x5C, scalar != 0x7F, let u = Unicode.Scalar(scalar) else { return .keep(length) }
        return .decoded(Array(String(Character(u)).utf8), length)
    }

    private static func hex4(_ s: [UInt8], at i: Int) -> UInt32? {
        guard i + 4 <= s.count else { return nil }
        var v: UInt32 = 0
        for b in s[i..<(i + 4)] {
            guard let d = Hex.value(of: b) else { return nil }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
