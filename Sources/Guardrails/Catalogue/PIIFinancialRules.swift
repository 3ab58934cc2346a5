/// PII: payment cards, IBANs, bank accounts, cryptocurrency wallets.
enum PIIFinancialRules {
    static var all: [DetectorRule] {
        [card, iban, bankAccount, bankAccountAlphanumeric, sortCode, bitcoinBase58, bitcoinBech32, ethereum]
    }

    static let cardContext = ["card", "visa", "mastercard", "amex", "credit", "debit", "payment", "cc", "cvv", "expir"]

    /// Issuer prefixes (IIN) of the card networks in use; other first digits are not payment cards.
    static func plausibleIssuer(_ d: [Int]) -> Bool {
        let two = d[0] * 10 + d[1], four = two * 100 + d[2] * 10 + d[3]
        switch d[0] {
        case 4: return [13, 16, 19].contains(d.count)
        case 5: return d.count >= 12
        case 2: return ((2221...2720).contains(four) && d.count == 16) || ((2200...2204).contains(four) && d.count >= 16)
            || (four == 2131 && d.count == 15)
        case 3:  // Amex 34/37: 15; JCB 35 (3528-3589 assigned): 16-19; Diners 300-305, 36, 38-39: 14-19
            if [34, 37].contains(two) { return d.count == 15 }
            if two == 35 { return (16...19).contains(d.count) }
            return ([36, 38, 39].contains(two) || (300...305).contains(four / 10)) && (14...19).contains(d.count)
        case 6: return d.count >= 12
        case 1: return four == 1800 && d.count == 15
        default: return false
        }
    }

    /// Groupings printed on cards: fours (the last group shorter), Amex/Diners 4-6-5 and 4-6-4, 13-digit 4-4-5.
    static func standardGrouping(_ lengths: [Int]) -> Bool {
        if [[4, 6, 5], [4, 6, 4], [4, 4, 5]].contains(lengths) { return true }
        guard lengths.count >= 3, let last = lengths.last else { return false }
        return lengths.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(last)
    }

    static let card = DetectorRule(
        id: "pii.credit_card", category: "pii.credit_card", pattern: #"[0-9](?:(?:[ \-.]| ?\r?\n ?)?[0-9]){11,18}"#,
        baseScore: 0.9, contextWords: cardContext,
        validate: { m, c in
            if let b = TokenShape.before(m, in: c), b == "-" || b == "." || b == "/" || b == "+" { return nil }
            let after = TokenShape.afterTwo(m, in: c)
            if let a = after.first, a == "-" || a == "/" || a == "." || a == ",", after.last?.isNumber == true { return nil }
            // The whole digit-group sequence is the candidate: a prefix of a longer grouped number is not a card.
            if let a = after.first, a == " ", after.last?.isNumber == true, m.utf8.contains(0x20) { return nil }
            let before = c[..<m.startIndex].suffix(2)
            if before.count == 2, before.last == " ", before.first?.isNumber == true, m.utf8.contains(0x20) { return nil }
            let digits = Checksum.digits(m)
            guard Checksum.luhn(digits), plausibleIssuer(digits), Set(digits).count >= 2 else { return nil }
            // Separators, when used, are one kind (space, dash or dot) in the groupings printed on cards;
            // one line break may stand for a separator (a number wrapped across lines).
            let breaks = m.utf8.filter { $0 == 0x0A }.count
            guard breaks <= 1 else { return nil }
            let separators = Set(m.utf8.filter { $0 == 0x20 || $0 == 0x2D || $0 == 0x2E })
            if separators.count > 1 { return nil }
            let groups = m.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "." || $0 == "\n" || $0 == "\r" }).map(\.count)
            if !separators.isEmpty || breaks > 0, !standardGrouping(groups), !(separators.isEmpty && groups.count == 2) {
                return nil
            }
            return digits.count >= 15 ? 0.9 : 0.75
        }
    ).with {
        $0.isolated = true
        $0.negativeContextWords = ["tracking", "isbn", "imei", "serial", "order no", "timestamp", "account n", "acct", "a/c"]
        // A card needs no context word; a negative one (an IMEI is Luhn-valid too) drops it below the threshold.
        $0.contextWeight = 0.45
    }

    /// IBANs: country code, check digits, the BBAN printed compact or in groups of four (spaces, or
    /// dashes: `DE89-3704-0044-0532-0130-00`; one line break may wrap it), any letter case. The pattern
    /// is a short anchor (country, check digits, first group); the span grows over the groups and is cut
    /// to the length the country's registry entry gives (`IBANCountries.measure`). A bounded repeat of
    /// groups in the pattern cost 40 µs per 2 KB of prose.
    static let iban = DetectorRule(
        id: "pii.iban", category: "pii.iban",
        pattern: #"[A-Za-z]{2}[0-9]{2}[ \-]?[A-Za-z0-9]{4}"#,
        baseScore: 0.95, contextWords: ["iban", "account", "bank", "transfer"],
        validate: { m, _ in
            let separators = Set(m.utf8.filter { $0 == 0x20 || $0 == 0x2D })
            guard separators.count <= 1, m.utf8.filter({ $0 == 0x0A }).count <= 1 else { return nil }
            // Printed in groups: every group but the last has four characters.
            let groups = m.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "\n" || $0 == "\r" })
            if groups.count > 1, !groups.dropLast().allSatisfy({ $0.utf8.count == 4 }) { return nil }
            let compact = m.utf8.filter { $0 != 0x20 && $0 != 0x2D && $0 != 0x0A && $0 != 0x0D }.map { $0 >= 0x61 ? $0 - 0x20 : $0 }
            let country = String(decoding: compact.prefix(2), as: UTF8.self)
            guard let length = IBANCountries.lengths[country], length == compact.count else { return nil }
            return Checksum.iban(compact) ? 0.95 : nil
        }
    ).with {
        $0.isolated = true
        $0.spanExtension = .alphanumeric(plus: " -\r\n", limit: 40)
        $0.measure = IBANCountries.measure
    }

    static let accountContext = [
        "account number", "account no", "acct", "a/c", "bank account", "routing", "account #", "account:",
        "checking", "savings account", "bsb", "kontonummer", "帳戶",
    ]

    /// Bank account numbers have no common format: digit runs next to account words.
    static let bankAccount = DetectorRule(
        id: "pii.bank_account", category: "pii.bank_account",
        pattern: #"[0-9]{2,6}[ \-]?[0-9]{3,10}(?:[ \-][0-9]{2,10})?"#, baseScore: 0.05, contextWords: accountContext,
        validate: { m, c in
            let digits = Checksum.digits(m)
            guard (6...17).contains(digits.count), Set(digits).count > 2 else { return nil }
            if let b = TokenShape.before(m, in: c), b == "-" || b == "." || b == "+" { return nil }
            return 0.05
        }
    ).with {
        $0.isolated = true
        $0.contextWeight = 0.6
    }

    /// Domestic account numbers with a bank code in letters (UK BBAN `NWBK60161331926819`).
    static let bankAccountAlphanumeric = DetectorRule(
        id: "pii.bank_account.alphanumeric", category: "pii.bank_account", pattern: #"[A-Z]{2,4}[0-9]{8,20}"#,
        baseScore: 0.05, contextWords: accountContext,
        validate: { m, _ in Set(Checksum.digits(m)).count > 2 ? 0.05 : nil }
    ).with {
        $0.isolated = true
        $0.contextWeight = 0.6
    }

    static let sortCode = DetectorRule(
        id: "pii.bank_account.sort_code", category: "pii.bank_account", pattern: #"[0-9]{2}-[0-9]{2}-[0-9]{2}"#,
        baseScore: 0.05, contextWords: ["sort code", "sortcode"], validate: { _, _ in 0.05 }
    ).with {
        $0.isolated = true
        $0.contextWeight = 0.7
    }

    static let walletContext = ["wallet", "bitcoin", "btc", "ethereum", "eth", "crypto", "address", "send"]

    static let bitcoinBase58 = DetectorRule(
        id: "pii.crypto_wallet.btc", category: "pii.crypto_wallet",
        pattern: #"[13][a-km-zA-HJ-NP-Z1-9]{25}"#, baseScore: 0.95, contextWords: walletContext,
        validate: { m, _ in CryptoAddress.base58Check(m) ? 0.95 : nil }
    ).with {
        $0.isolated = true
        $0.spanExtension = .whileIn(Set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8), limit: 9)
    }

    static let bitcoinBech32 = DetectorRule(
        id: "pii.crypto_wallet.bech32", category: "pii.crypto_wallet", pattern: #"(?:bc|tb|ltc)1[ac-hj-np-z02-9]{8}"#,
        caseless: true, baseScore: 0.95, contextWords: walletContext,
        validate: { m, _ in CryptoAddress.bech32(m) ? 0.95 : nil }
    ).with {
        $0.isolated = true
        $0.spanExtension = .alphanumeric(limit: 82)
    }

    static let ethereum = DetectorRule(
        id: "pii.crypto_wallet.eth", category: "pii.crypto_wallet", pattern: #"0x[0-9a-fA-F]{40}"#,
        baseScore: 0.8, contextWords: walletContext,
        validate: { m, _ in
            let hex = m.dropFirst(2)
            return TokenShape.hasLongRun(hex, length: 8) ? nil : 0.8
        }
    ).with { $0.isolated = true }
}

/// IBAN lengths per country (ISO 13616 registry).
enum IBANCountries {
    /// Length in bytes of the IBAN at the start of `span`: as many letters and digits as the country's
    /// IBAN has, with single separators (space or dash) between them and at most one line break; nil
    /// when the country is unknown or the span ends first.
    @Sendable static func measure(_ span: UnsafeBufferPointer<UInt8>) -> Int? {
        guard span.count >= 2 else { return nil }
        let country = String(decoding: [span[0] & ~0x20, span[1] & ~0x20], as: UTF8.self)
        guard let length = lengths[country] else { return nil }
        @inline(__always) func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) }
        var count = 0, i = 0, breaks = 0
        while i < span.count, count < length {
            let b = span[i]
            if alnum(b) {
                count += 1
                i += 1
                continue
            }
            // A separator run between two characters: one space or dash, or one line break (`\n`, `\r\n`, ` \n`).
            var j = i
            if span[j] == 0x20 || span[j] == 0x2D { j += 1 }
            if j < span.count, span[j] == 0x0D { j += 1 }
            if j < span.count, span[j] == 0x0A { j += 1; breaks += 1 }
            guard j > i, j - i <= 3, breaks <= 1, j < span.count, alnum(span[j]) else { return nil }
            i = j
        }
        return count == length ? i : nil
    }

    static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
        "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
        "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
        "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
        "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
        "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
        "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
        "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
        "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]
}
