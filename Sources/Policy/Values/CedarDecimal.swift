/// Cedar's `decimal` extension value: a fixed-point number with four fractional digits, stored scaled
/// by 10^4 in an `Int64` (range ±922337203685477.5807), parsed exactly as Cedar does.
public struct CedarDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let scaled: Int64

    public static func < (a: CedarDecimal, b: CedarDecimal) -> Bool { a.scaled < b.scaled }

    /// Accepts `-?[0-9]+\.[0-9]{1,4}`; other shapes and out-of-range values are errors.
    public static func parse(_ text: String) -> Result<CedarDecimal, EvaluationError> {
        let chars = Array(text.utf8)
        var i = 0
        let negative = chars.first == UInt8(ascii: "-")
        if negative { i = 1 }
        var intDigits: [UInt8] = []
        while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
            intDigits.append(chars[i] - 48)
            i += 1
        }
        guard !intDigits.isEmpty, i < chars.count, chars[i] == UInt8(ascii: ".") else {
            return .failure(malformed(text))
        }
        i += 1
        var fracDigits: [UInt8] = []
        while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
            fracDigits.append(chars[i] - 48)
            i += 1
        }
        guard i == chars.count, !fracDigits.isEmpty else { return .failure(malformed(text)) }
        guard fracDigits.count <= 4 else {
            return .failure(extensionError("decimal", "too many digits after the decimal in `\(text)`"))
        }
        while fracDigits.count < 4 { fracDigits.append(0) }
        // Accumulate negatively so that the most negative value is representable.
        var value: Int64 = 0
        for d in intDigits + fracDigits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            if o1 || o2 { return .failure(extensionError("decimal", "overflow when converting to decimal")) }
            value = s
        }
        if !negative {
            guard value != Int64.min else {
                return .failure(extensionError("decimal", "overflow when converting to decimal"))
            }
            value = -value
        }
        return .success(CedarDecimal(scaled: value))
    }

    private static func malformed(_ text: String) -> EvaluationError {
        extensionError("decimal", "`\(text)` is not a well-formed decimal value")
    }

    public var description: String {
        let magnitude = scaled.magnitude
        let whole = magnitude / 10_000
        let frac = magnitude % 10_000
        var fracText = String(frac)
        while fracText.count < 4 { fracText = "0" + fracText }
        return (scaled < 0 ? "-" : "") + "\(whole).\(fracText)"
    }
}

func extensionError(_ name: String, _ message: String) -> EvaluationError {
    EvaluationError("error while evaluating `\(name)` extension function: \(message)")
}
