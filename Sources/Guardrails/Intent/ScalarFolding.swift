import Foundation

/// What one non-ASCII Unicode scalar becomes in the detection view: removed (zero-width, bidi controls,
/// variation selectors), a plain space, or an ASCII look-alike (compatibility forms, accented Latin,
/// fullwidth, mathematical alphanumerics, enclosed letters, invisible Unicode "tag" characters).
///
/// Written by hand: Foundation offers NFKD per string but no confusables (homoglyph) folding, and calling
/// it per scalar on the hot path would allocate. The table is computed once, with NFKD, at first use.
enum ScalarFolding {
    enum Fold: Sendable {
        /// Drop the scalar (invisible).
        case remove
        /// Replace it with these ASCII bytes (compatibility or accent folding; always applied).
        case ascii([UInt8])
        /// A Cyrillic or Greek letter that looks like this ASCII letter; applied only inside words that
        /// mix scripts or consist only of look-alikes, so real Russian or Greek text stays intact.
        case confusable(UInt8)
    }

    /// Fold of a non-ASCII scalar, or nil to keep it as it is.
    static func fold(_ scalar: UInt32) -> Fold? { table[scalar] }

    private static let table: [UInt32: Fold] = {
        var t: [UInt32: Fold] = [:]
        // Invisible formatting: zero-width, joiners, bidi embeddings/overrides/isolates, BOM, soft hyphen.
        let invisible: [ClosedRange<UInt32>] = [
            0x00AD...0x00AD, 0x034F...0x034F, 0x061C...0x061C, 0x115F...0x1160, 0x17B4...0x17B5,
            0x180B...0x180F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0x3164...0x3164,
            0xFE00...0xFE0F, 0xFEFF...0xFEFF, 0xFFA0...0xFFA0, 0xFFF9...0xFFFB, 0x1D173...0x1D17A,
            0xE0000...0xE001F, 0xE007F...0xE007F, 0xE0100...0xE01EF,
        ]
        for r in invisible { for s in r { t[s] = .remove } }
        // Unicode "tag" characters mirror ASCII invisibly ("ASCII smuggling"): make them visible.
        for s in UInt32(0xE0020)...0xE007E { t[s] = .ascii([UInt8(s - 0xE0000)]) }
        for s in [0x00A0, 0x1680, 0x202F, 0x205F, 0x3000] as [UInt32] { t[s] = .ascii([0x20]) }
        for s in UInt32(0x2000)...0x200A { t[s] = .ascii([0x20]) }
        t[0x2028] = .ascii([0x0A])
        t[0x2029] = .ascii([0x0A])
        // Compatibility and accent folding through NFKD, minus combining marks, when the result is ASCII.
        let decomposable: [ClosedRange<UInt32>] = [
            0x00C0...0x024F, 0x1E00...0x1EFF, 0x2070...0x209F, 0x2100...0x218F, 0x2460...0x24FF,
            0xFF01...0xFF5E, 0x1D400...0x1D7FF, 0x1F100...0x1F189,
        ]
        for r in decomposable {
            for s in r {
                guard let scalar = Unicode.Scalar(s) else { continue }
                let folded = String(Character(scalar)).decomposedStringWithCompatibilityMapping
                var bytes: [UInt8] = []
                var ascii = true
                for u in folded.unicodeScalars {
                    if u.properties.generalCategory == .nonspacingMark { continue }
                    if u.isASCII { bytes.append(UInt8(u.value)) } else { ascii = false }
                }
                if ascii, !bytes.isEmpty { t[s] = .ascii(bytes) }
            }
        }
        // Regional indicator symbols render as letters in many fonts.
        for s in UInt32(0x1F1E6)...0x1F1FF { t[s] = .ascii([UInt8(0x61 + s - 0x1F1E6)]) }
        // Cyrillic and Greek look-alikes (after the Unicode confusables list, lowercase targets).
        let confusables: [(String, String)] = [
            ("аеорсухіјѕԁһӏԛԝвкмнтьгп", "aeopcyxijsdhlqwbkmhtbrn"),
            ("АВЕЅІЈКМНОРСТХУԌԚԜ", "abesijkmhopctxygqw"),
            ("αβεικνορτυχγωϲϳ", "abeiknoptuxywcj"),
            ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹ", "abezhikmnoptyxc"),
        ]
        for (from, to) in confusables {
            for (f, a) in zip(from.unicodeScalars, to.unicodeScalars) { t[f.value] = .confusable(UInt8(a.value)) }
        }
        return t
    }()
}
