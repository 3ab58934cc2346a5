/// PII: national identifiers, passports, dates of birth.
enum PIIIdentityRules {
    static var all: [DetectorRule] {
        [ssnDashed, ssnSpaced, ssnCompact, sgNRIC, hkID, passport, passportNumeric] + dateOfBirth
    }

    static let ssnContext = ["ssn", "social security", "social sec", "taxpayer", "tin:", "tin no", "ss#", "ss no"]

    private static func ssn(_ id: String, _ pattern: String, score: Double) -> DetectorRule {
        DetectorRule(
            id: id, category: "pii.us_ssn", pattern: pattern, baseScore: score, contextWords: ssnContext,
            validate: { m, c in
                if let b = TokenShape.before(m, in: c), b == "-" || b == "." || b == "/" { return nil }
                if let a = TokenShape.after(m, in: c), a == "-" || a == "/" { return nil }
                return Checksum.usSSN(Checksum.digits(m)) ? score : nil
            }
        ).with {
            $0.isolated = true
            $0.negativeContextWords = ["phone", "order", "invoice", "tracking", "isbn"]
        }
    }

    static let ssnDashed = ssn("pii.us_ssn.dashed", #"[0-9]{3}-[0-9]{2}-[0-9]{4}"#, score: 0.8)
    static let ssnSpaced = ssn("pii.us_ssn.spaced", #"[0-9]{3} [0-9]{2} [0-9]{4}"#, score: 0.45)
    static let ssnCompact = ssn("pii.us_ssn.compact", #"[0-9]{9}"#, score: 0.2).with { $0.contextWeight = 0.5 }

    /// Singapore NRIC (S/T) and FIN (F/G/M) with the check letter verified.
    static let sgNRIC = DetectorRule(
        id: "pii.sg_nric", category: "pii.sg_nric", pattern: #"[STFGM][0-9]{7}[A-Z]"#, caseless: true,
        baseScore: 0.95, contextWords: ["nric", "fin", "ic no", "identity", "singapore"],
        validate: { m, _ in Checksum.singaporeID(Array(m.utf8)) ? 0.9 : nil }
    ).with {
        $0.isolated = true
        $0.negativeContextWords = ["sku", "part no", "part number", "serial", "model no", "order", "invoice"]
    }

    /// Hong Kong identity card number with the check digit verified. The check digit is printed in
    /// parentheses (`A123456(3)`); without them one code-shaped string in eleven passes the check
    /// (`AB1234569` as a SKU), so the bare form needs an identity-card word nearby.
    static let hkID = DetectorRule(
        id: "pii.hk_id", category: "pii.hk_id", pattern: #"[A-Z]{1,2}[0-9]{6} ?\(?[0-9A]\)?"#,
        baseScore: 0.85, contextWords: ["hkid", "hong kong", "identity card", "id card", "id no", "身份證", "身份证"],
        validate: { m, c in
            let raw = Array(m.utf8).filter { $0 != 0x20 }
            let opens = raw.filter { $0 == UInt8(ascii: "(") }.count, closes = raw.filter { $0 == UInt8(ascii: ")") }.count
            guard opens == closes, opens <= 1 else { return nil }
            if opens == 0, m.utf8.contains(0x20) { return nil }
            if opens == 0, let a = TokenShape.after(m, in: c), a == ")" { return nil }
            if opens == 1, raw.last != UInt8(ascii: ")") || raw[raw.count - 3] != UInt8(ascii: "(") { return nil }
            guard Checksum.hongKongID(raw) else { return nil }
            return opens == 1 ? 0.85 : 0.3
        }
    ).with {
        $0.isolated = true
        $0.negativeContextWords = ["sku", "part no", "part number", "serial", "model", "order", "invoice", "ref"]
    }

    static let passportContext = ["passport", "travel document", "護照", "passeport", "reisepass"]

    /// Passport numbers have no checksum in their printed form: only confident next to a passport word.
    static let passport = DetectorRule(
        id: "pii.passport", category: "pii.passport", pattern: #"[A-Z]{1,2}[0-9]{6,8}[A-Z]?"#, caseless: true,
        baseScore: 0.15, contextWords: passportContext,
        validate: { m, _ in
            let digits = Checksum.digits(m)
            return Set(digits).count > 1 ? 0.15 : nil
        }
    ).with {
        $0.isolated = true
        $0.contextWeight = 0.6
    }

    static let passportNumeric = DetectorRule(
        id: "pii.passport.numeric", category: "pii.passport", pattern: #"[0-9]{8,9}"#,
        baseScore: 0.1, contextWords: passportContext,
        validate: { m, _ in Set(Checksum.digits(m)).count > 2 ? 0.1 : nil }
    ).with {
        $0.isolated = true
        $0.contextWeight = 0.6
    }

    static let months = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\\.?"
    static let birthContext = ["born", "birth", "dob", "d.o.b", "birthday", "bday", "出生", "geboren", "née le"]

    private static func dob(_ id: String, _ pattern: String) -> DetectorRule {
        DetectorRule(
            id: id, category: "pii.date_of_birth", pattern: pattern, caseless: true, baseScore: 0.1,
            contextWords: birthContext,
            validate: { m, _ in CalendarDate.isPlausibleBirthDate(m) ? 0.1 : nil }
        ).with {
            $0.isolated = true
            $0.contextWeight = 0.65
        }
    }

    static let dateOfBirth = [
        dob("pii.date_of_birth.numeric", #"[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:19|20)?[0-9]{2}"#),
        dob("pii.date_of_birth.iso", #"(?:19|20)[0-9]{2}[/.\-][0-9]{1,2}[/.\-][0-9]{1,2}"#),
        dob("pii.date_of_birth.day_month", "[0-9]{1,2}(?:st|nd|rd|th)? (?:of )?\(months),? (?:19|20)[0-9]{2}"),
        dob("pii.date_of_birth.month_day", "\(months) [0-9]{1,2}(?:st|nd|rd|th)?,? (?:19|20)[0-9]{2}"),
    ]
}
