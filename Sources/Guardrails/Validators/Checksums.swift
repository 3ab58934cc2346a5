/// Check-digit algorithms of identifiers. Written here because they are a few lines each and no
/// available Swift package provides them.
enum Checksum {
    /// ASCII digits of `text`, ignoring separators.
    static func digits(_ text: Substring) -> [Int] {
        text.utf8.compactMap { ($0 >= 0x30 && $0 <= 0x39) ? Int($0 - 0x30) : nil }
    }

    /// Luhn (ISO/IEC 7812) over payment card numbers.
    static func luhn(_ digits: [Int]) -> Bool {
        guard digits.count >= 2 else { return false }
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            if i % 2 == 1 {
                let doubled = d * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += d
            }
        }
        return sum % 10 == 0
    }

    /// IBAN (ISO 13616) mod-97 check over the compact, upper-cased form.
    static func iban(_ compact: [UInt8]) -> Bool {
        guard compact.count >= 15, compact.count <= 34 else { return false }
        let rearranged = compact[4...] + compact[..<4]
        var remainder = 0
        for c in rearranged {
            switch c {
            case 0x30...0x39: remainder = (remainder * 10 + Int(c - 0x30)) % 97
            case 0x41...0x5A: remainder = (remainder * 100 + Int(c - 0x41 + 10)) % 97
            default: return false
            }
        }
        return remainder == 1
    }

    /// Singapore NRIC/FIN: prefix S/T/F/G/M, seven digits, check letter.
    static func singaporeID(_ id: [UInt8]) -> Bool {
        guard id.count == 9 else { return false }
        let prefix = id[0] & ~0x20, check = id[8] & ~0x20
        let weights = [2, 7, 6, 5, 4, 3, 2]
        var sum = 0
        for i in 0..<7 {
            let c = id[i + 1]
            guard c >= 0x30, c <= 0x39 else { return false }
            sum += Int(c - 0x30) * weights[i]
        }
        let table: String
        switch prefix {
        case UInt8(ascii: "S"): table = "JZIHGFEDCBA"
        case UInt8(ascii: "T"): sum += 4; table = "JZIHGFEDCBA"
        case UInt8(ascii: "F"): table = "XWUTRQPNMLK"
        case UInt8(ascii: "G"): sum += 4; table = "XWUTRQPNMLK"
        case UInt8(ascii: "M"): sum += 3; table = "XWUTRQPNJLK"
        default: return false
        }
        return Array(table.utf8)[sum % 11] == check
    }

    /// Hong Kong identity card: one or two letters, six digits, check digit (0-9 or A), the check often
    /// written in parentheses.
    static func hongKongID(_ raw: [UInt8]) -> Bool {
        let id = raw.filter { $0 != UInt8(ascii: "(") && $0 != UInt8(ascii: ")") }.map { $0 >= 0x61 ? $0 - 0x20 : $0 }
        guard id.count == 8 || id.count == 9 else { return false }
        let letters = id.count - 7
        var sum = 0
        if letters == 1 {
            sum += 36 * 9 + (Int(id[0]) - 55) * 8
        } else {
            sum += (Int(id[0]) - 55) * 9 + (Int(id[1]) - 55) * 8
        }
        for i in 0..<6 {
            let c = id[letters + i]
            guard c >= 0x30, c <= 0x39 else { return false }
            sum += Int(c - 0x30) * (7 - i)
        }
        let expected = (11 - sum % 11) % 11
        let check = id[id.count - 1]
        return expected == 10 ? check == UInt8(ascii: "A") : Int(check) - 0x30 == expected
    }

    /// US Social Security number: not area 000, 666 or 900-999, not group 00, not serial 0000, and not
    /// the numbers published in advertising (078-05-1120, 219-09-9999).
    static func usSSN(_ d: [Int]) -> Bool {
        guard d.count == 9 else { return false }
        let area = d[0] * 100 + d[1] * 10 + d[2]
        let group = d[3] * 10 + d[4]
        let serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8]
        if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 { return false }
        if (area, group, serial) == (78, 5, 1120) || (area, group, serial) == (219, 9, 9999) { return false }
        if Set(d).count == 1 || d == [1, 2, 3, 4, 5, 6, 7, 8, 9] { return false }
        return true
    }
}
