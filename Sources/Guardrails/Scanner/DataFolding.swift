import Foundation

/// What one non-ASCII scalar becomes in the data rules' view (`DataView`): removed (zero-width and other
/// invisible formatting), or ASCII (Unicode spaces → space, dashes → `-`, fullwidth and mathematical
/// letters and digits, digits of other scripts, enclosed alphanumerics, tag characters). Anything else
/// stays as it is: accents are not folded (a name stays a name) and no confusables are guessed, so the
/// view only undoes what hides a value from an ASCII pattern without changing what it is.
///
/// Written by hand: no package does this mapping with an offset map; NFKD (Foundation) is used once, at
/// first use, to build the table for the mathematical and enclosed ranges.
enum DataFolding {
    enum Fold: Equatable {
        case remove
        case ascii(UInt8)
        case asciiBytes([UInt8])
    }

    @inline(__always)
    static func fold(_ v: UInt32) -> Fold? {
        switch v {
        case 0x3400...0x9FFF, 0xAC00...0xD7AF, 0x0400...0x052F, 0x0590...0x05FF, 0x0E00...0x0E7F:
            return nil  // CJK, Hangul, Cyrillic, Hebrew, Thai letters: kept, and the commonest non-ASCII text
        case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
            return .ascii(0x20)
        case 0x2028, 0x2029:
            return .ascii(0x0A)
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x200B...0x200F,
            0x202A...0x202E, 0x2060...0x206F, 0x3164, 0xFE00...0xFE0F, 0xFEFF, 0xFFA0, 0x1D173...0x1D17A,
            0xE0000...0xE001F, 0xE007F, 0xE0100...0xE01EF:
            return .remove
        case 0xE0020...0xE007E:
            return .ascii(UInt8(v - 0xE0000))  // tag characters mirror ASCII invisibly
        case 0xFF01...0xFF5E:
            return .ascii(UInt8(v - 0xFF01 + 0x21))  // fullwidth ASCII
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63:
            return .ascii(UInt8(ascii: "-"))
        case 0xFE6B:
            return .ascii(UInt8(ascii: "@"))
        case 0x2460...0x24FF, 0x1D400...0x1D7FF, 0x1F100...0x1F10C:
            return compatibility[v]
        default:
            guard let scalar = Unicode.Scalar(v), scalar.properties.numericType == .decimal,
                let value = scalar.properties.numericValue, value >= 0, value <= 9
            else { return nil }
            return .ascii(UInt8(0x30 + Int(value)))  // Arabic-Indic, Devanagari, Thai... digits
        }
    }

    /// NFKD of the enclosed and mathematical alphanumerics, when it is ASCII letters, digits and dots.
    private static let compatibility: [UInt32: Fold] = {
        var table: [UInt32: Fold] = [:]
        for range in [UInt32(0x2460)...0x24FF, 0x1D400...0x1D7FF, 0x1F100...0x1F10C] {
            for v in range {
                guard let scalar = Unicode.Scalar(v) else { continue }
                let folded = Array(String(Character(scalar)).decomposedStringWithCompatibilityMapping.utf8)
                guard !folded.isEmpty, folded.allSatisfy({ $0 < 0x80 && $0 > 0x20 }) else { continue }
                table[v] = folded.count == 1 ? .ascii(folded[0]) : .asciiBytes(folded)
            }
        }
        return table
    }()
}
