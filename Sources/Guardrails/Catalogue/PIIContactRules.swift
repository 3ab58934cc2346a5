/// PII: e-mail addresses, phone numbers, network addresses.
enum PIIContactRules {
    static let phoneContext = [
        "phone", "telephone", "mobile", "tel", "tel.", "call", "fax", "office", "desk:", "cell", "contact", "message",
        "text me", "reach", "answering", "voicemail", "whatsapp", "dial", "sms", "hotline", "landline", "extension",
        "ext.", "my number", "number is", "ring me", "mob:", "h/p", "t:", "m:", "p:", "ph:", "hp:", "telefon", "téléphone", "handy", "電話", "电话",
        "手機", "手机", "전화",
    ]
    /// Words that make a digit group something other than a phone number.
    static let notPhoneContext = [
        "account n", "account #", "acct", "a/c", "iban", "invoice", "order no", "order #", "serial", "isbn", "passport",
        "ssn", "meeting id", "passcode", "ticket", "sku", "part no", "part number", "error", "room", "ref no",
        "reference no", "tracking", "version",
    ]

    static var all: [DetectorRule] {
        [email] + [phoneE164, phoneUS, phoneUK, phoneSGHK, phoneSGHKCompact, phoneCompact, phoneGrouped].map { rule in
            rule.with { $0.negativeContextWords += notPhoneContext }
        } + [ipv4, ipv6, mac]
    }

    /// E-mail addresses, internationalised domains included (`wang.wei@例子.公司`). The user part of a
    /// URL (`https://admin:pw@host`, `ftp://user@host`) is not an address.
    static let email = DetectorRule(
        id: "pii.email", category: "pii.email",
        pattern: #"[A-Za-z0-9._%+\-]@(?:[A-Za-z0-9]|[\xC2-\xF4][\x80-\xBF])"#, baseScore: 0.95,
        validate: { match, context in
            let parts = match.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, let local = parts.first, let domain = parts.last else { return nil }
            guard !local.isEmpty, local.first != ".", local.last != ".", !local.containsCaseless("..") else { return nil }
            if isURLUserInfo(match, in: context) { return nil }
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2, let tld = labels.last, tld.count >= 2, TopLevelDomains.isMailTLD(tld) else { return nil }
            for label in labels where label.isEmpty || label.utf8.count > 63 || label.first == "-" || label.last == "-" {
                return nil
            }
            return 0.95
        }
    ).with {
        $0.extendLeft = .alphanumeric(plus: "._%+-", limit: 64)
        $0.spanExtension = .domainName(limit: 190)
        $0.trimTrailing = ".-"
    }

    /// True when `match` sits in the authority of a URL (`scheme://` then no `/`, `?` or `#` before it): the
    /// user part (`https://admin:pw@host`, `ftp://user@host`). An address further on, in the path or query
    /// (`https://evil.example/c/jane@example.com/p.png`), is an address — and one on its way out.
    static func isURLUserInfo(_ match: Substring, in context: Substring) -> Bool {
        let before = context[..<match.startIndex]
        let token = String(before.reversed().prefix { $0 != " " && $0 != "\n" && $0 != "\t" && $0 != "\r" }.reversed())
        guard let slashes = token.range(of: "//", options: .backwards) else { return false }
        return !token[slashes.upperBound...].contains { $0 == "/" || $0 == "?" || $0 == "#" }
    }

    /// Counts digits and checks the separators of a phone candidate; nil when it cannot be a number.
    static func phoneDigits(_ match: Substring, context: Substring, min: Int, max: Int) -> Int? {
        let digits = Checksum.digits(match)
        guard digits.count >= min, digits.count <= max else { return nil }
        if let b = TokenShape.before(match, in: context), b == "-" || b == "." || b == "/" || b == "+" || b == ":" || b == "#",
            !(b == ":" && isLabelColon(match, in: context))
        {
            // `001-` / `+1-` / `1-` in front of a US number: the trunk or country prefix, not a longer number.
            let head = context[..<match.startIndex].dropLast().suffix(4)
            let prefix = head.drop { !($0.isNumber || $0 == "+") }
            guard b != "#", b != ":", ["1", "+1", "001"].contains(String(prefix)) else { return nil }
        }
        if zip(digits, digits.dropFirst()).allSatisfy({ $1 == ($0 + 1) % 10 }) { return nil }  // 0123456789
        // Part of a longer digit group sequence (a card, an IBAN): the whole sequence is another match.
        let before = context[..<match.startIndex].suffix(2)
        if before.count == 2, before.first!.isNumber, before.last == " " { return nil }
        let afterGroup = context[match.endIndex...].prefix(2)
        if afterGroup.count == 2, afterGroup.first == " ", afterGroup.last!.isNumber { return nil }
        let after = TokenShape.afterTwo(match, in: context)
        if let a = after.first, a == "-" || a == "/" || a == ":" || a == "%" {
            if after.count == 2, after.last!.isNumber { return nil }
        }
        if let a = after.first, a == ".", after.count == 2, after.last!.isNumber { return nil }
        var open = 0
        for c in match.utf8 {
            if c == UInt8(ascii: "(") { open += 1 }
            if c == UInt8(ascii: ")") { open -= 1; if open < 0 { return nil } }
        }
        guard open == 0, Set(digits).count > 1, consistentSeparators(match), !isFictional(digits) else { return nil }
        return digits.count
    }

    /// `Tel:+65…`, `電話：…`: the colon ends a label (a letter before it), not a time or a longer number.
    static func isLabelColon(_ match: Substring, in context: Substring) -> Bool {
        let before = context[..<match.startIndex].dropLast()
        guard let letter = before.last else { return false }
        return letter.isLetter
    }

    /// Phone numbers use one kind of separator between digit groups (a space may follow a `+CC` or
    /// `(area)` prefix): `0.49927 0.27008` or `12-34 56` are lists and quantities. A single `.` as the
    /// only separator is a decimal point (`1234.5678`).
    static func consistentSeparators(_ match: Substring) -> Bool {
        var kinds = Set<UInt8>()
        var dots = 0
        var groups = 0
        var prefixed = false
        var previous: UInt8 = 0
        for b in match.utf8 {
            let digit = b >= 0x30 && b <= 0x39
            if digit, !(previous >= 0x30 && previous <= 0x39) { groups += 1 }
            if b == 0x2B || b == 0x28 || b == 0x29 {
                if groups <= 1 { prefixed = true }  // `+65 ...`, `(02) ...`
            } else if b == 0x20 || b == 0x2D || b == 0x2E || b == 0x2F {
                // The blank right after a `+CC` or `(area)` prefix is not a separator between groups.
                if !(b == 0x20 && (previous == 0x29 || (prefixed && groups == 1))) { kinds.insert(b) }
                if b == 0x2E { dots += 1 }
            }
            previous = b
        }
        if kinds.count > 1 { return false }
        return !(dots == 1 && kinds == [0x2E])
    }

    /// 555-0100 to 555-0199 are reserved for fiction in the North American plan (with or without an
    /// area code).
    static func isFictional(_ digits: [Int]) -> Bool {
        guard [7, 10, 11].contains(digits.count) else { return false }
        return Array(digits.suffix(7).prefix(5)) == [5, 5, 5, 0, 1]
    }

    /// Rejects shapes of dates and times (`2020-06-20`, `20.06.2020`, `2019 2020`).
    static func looksLikeDate(_ match: Substring) -> Bool {
        let groups = match.split(whereSeparator: { !$0.isNumber }).map { Int($0) ?? -1 }
        let lengths = match.split(whereSeparator: { !$0.isNumber }).map(\.count)
        if lengths == [4, 2, 2], (1900...2100).contains(groups[0]), (1...12).contains(groups[1]) { return true }
        if lengths == [2, 2, 4], (1900...2100).contains(groups[2]) { return true }
        if lengths.count == 2, lengths.allSatisfy({ $0 == 4 }), groups.allSatisfy({ (1900...2100).contains($0) }) { return true }
        if lengths.count == 2, lengths[0] == 4, (1990...2100).contains(groups[0]), match.utf8.contains(UInt8(ascii: "-")) { return true }
        return false
    }

    static let phoneE164 = DetectorRule(
        id: "pii.phone.e164", category: "pii.phone", pattern: #"\+[1-9][0-9 ()\-.]{6,20}[0-9]"#,
        baseScore: 0.85, contextWords: phoneContext,
        validate: { m, c in
            guard phoneDigits(m, context: c, min: 8, max: 15) != nil, CountryCallingCodes.isAssigned(Checksum.digits(m)) else { return nil }
            return 0.85
        }
    ).with { $0.spanExtension = nil }

    static let phoneUS = DetectorRule(
        id: "pii.phone.us", category: "pii.phone",
        pattern: #"(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[\-. ])[2-9][0-9]{2}[\-. ][0-9]{4}(?: ?(?:[xX]|[eE]xt\.?) ?[0-9]{1,5})?"#,
        baseScore: 0.75, contextWords: phoneContext,
        validate: { m, c in
            guard phoneDigits(m, context: c, min: 10, max: 18) != nil, !looksLikeDate(m) else { return nil }
            return 0.75
        }
    ).with { $0.isolated = true }

    static let phoneUK = DetectorRule(
        id: "pii.phone.uk", category: "pii.phone",
        pattern: #"(?:\+44 ?(?:\(0\) ?)?|\(?0)[1-37][0-9]{1,4}\)? ?[0-9]{3,4} ?[0-9]{3,4}"#,
        baseScore: 0.85, contextWords: phoneContext,
        validate: { m, c in
            guard let n = phoneDigits(m, context: c, min: 10, max: 13) else { return nil }
            let national = m.hasPrefix("+44") ? n - 2 : n
            guard (10...11).contains(national) else { return nil }
            // With the country code the number is unambiguous; a national form needs a phone word.
            return m.hasPrefix("+44") ? 0.85 : 0.3
        }
    ).with { $0.isolated = true }

    /// Singapore and Hong Kong numbers are eight digits (`9123 4567`): the same shape as part numbers,
    /// error codes and room ranges, so only next to a phone word (with `+65`/`+852` see `phoneE164`).
    static let phoneSGHK = DetectorRule(
        id: "pii.phone.sg_hk", category: "pii.phone",
        pattern: #"[2-9][0-9]{3}[ \-][0-9]{4}"#,
        baseScore: 0.3, contextWords: phoneContext,
        validate: { m, c in
            guard phoneDigits(m, context: c, min: 8, max: 11) != nil, !looksLikeDate(m) else { return nil }
            return 0.3
        }
    ).with { $0.isolated = true }

    /// Unseparated numbers of phone length (`0553443881`, `13459223086`, `(03)70094181`): only with a
    /// phone word nearby.
    static let phoneCompact = DetectorRule(
        id: "pii.phone.compact", category: "pii.phone", pattern: #"[0-9]{9,12}|\(0?[0-9]{1,4}\) ?[0-9]{6,10}"#,
        baseScore: 0.3, contextWords: phoneContext,
        validate: { m, c in phoneDigits(m, context: c, min: 9, max: 14) == nil ? nil : 0.3 }
    ).with { $0.isolated = true }

    static let phoneSGHKCompact = DetectorRule(
        id: "pii.phone.sg_hk_compact", category: "pii.phone", pattern: #"[235689][0-9]{7}"#,
        baseScore: 0.3, contextWords: phoneContext,
        validate: { m, c in phoneDigits(m, context: c, min: 8, max: 8) == nil ? nil : 0.3 }
    ).with { $0.isolated = true }

    /// Any grouped digit sequence of phone length; only confident with phone words nearby.
    static let phoneGrouped = DetectorRule(
        id: "pii.phone.grouped", category: "pii.phone",
        pattern: #"(?:\+|00)?\(?[0-9]{1,5}\)?(?:[ \-.]{1,2}\(?[0-9]{1,8}\)?){1,5}(?: ?(?:[xX]|[eE]xt\.?) ?[0-9]{1,5})?"#,
        baseScore: 0.3, contextWords: phoneContext,  // only with a phone word: digit groups are everywhere
        validate: { m, c in
            guard phoneDigits(m, context: c, min: 7, max: 20) != nil, !looksLikeDate(m) else { return nil }
            if m.utf8.contains(UInt8(ascii: ".")) && m.split(separator: ".").count == 4 { return nil }  // dotted quad
            return 0.3
        }
    ).with {
        $0.isolated = true
        $0.contextWeight = 0.35
        $0.spanExtension = nil
    }

    static let ipv4 = DetectorRule(
        id: "pii.ip_address.v4", category: "pii.ip_address",
        pattern: #"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"#, baseScore: 0.8,
        validate: { m, c in
            if let b = TokenShape.before(m, in: c), b == "." { return nil }
            let after = TokenShape.afterTwo(m, in: c)
            if after.first == ".", after.count == 2, after.last!.isNumber { return nil }
            for part in m.split(separator: ".") {
                guard let v = Int(part), v <= 255, part.count == 1 || part.first != "0" else { return nil }
            }
            // "Any address" and broadcast name no host.
            if m == "0.0.0.0" || m == "255.255.255.255" { return nil }
            return 0.8
        }
    ).with {
        $0.isolated = true
        $0.negativeContextWords = ["version", "release", "v.", "build", "upgrade", "update", "firmware", "kernel", "patch"]
    }

    static let ipv6 = DetectorRule(
        id: "pii.ip_address.v6", category: "pii.ip_address", pattern: #":[0-9A-Fa-f]{0,4}:"#, baseScore: 0.85,
        validate: { m, _ in IPv6.isAddress(m) ? 0.85 : nil }
    ).with {
        $0.extendLeft = .alphanumeric(plus: ":", limit: 40)
        $0.spanExtension = .alphanumeric(plus: ":.", limit: 45)
        $0.trimTrailing = "."
        $0.isolated = true
    }

    static let mac = DetectorRule(
        id: "pii.mac_address", category: "pii.mac_address",
        pattern: #"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"#,
        baseScore: 0.8,
        validate: { m, c in
            if let a = TokenShape.after(m, in: c), a == ":" || a == "-" || a == "." {
                if TokenShape.afterTwo(m, in: c).last?.isHexDigit == true { return nil }
            }
            if let b = TokenShape.before(m, in: c), b == ":" || b == "-" || b == "." { return nil }
            // Cisco's dotted form of digits only is far more often a dotted number (a card, an id).
            if m.utf8.contains(UInt8(ascii: ".")), !m.contains(where: { $0.isLetter }) { return nil }
            return 0.8
        }
    ).with { $0.isolated = true }
}

extension DetectorRule {
    /// A copy with some options changed.
    func with(_ change: (inout DetectorRule) -> Void) -> DetectorRule {
        var copy = self
        change(&copy)
        return copy
    }
}
