import Foundation

/// Reads the XML answers of STS `AssumeRoleWithWebIdentity` by exact extraction: the answer is small
/// and fixed in shape, so the four credential fields are taken from inside `<Credentials>` and the
/// error code and message from inside `<Error>`, with the five predefined XML entities decoded. No
/// general XML parser (and no libxml2) is involved.
enum STSAnswer {
    /// `AssumeRoleWithWebIdentityResult/Credentials/{AccessKeyId,SecretAccessKey,SessionToken,Expiration}`;
    /// nil when any is missing or the expiration is not an ISO 8601 UTC time.
    static func credentials(_ xml: String) -> AWSCredentials? {
        guard let result = element("AssumeRoleWithWebIdentityResult", in: Substring(xml)),
            let block = element("Credentials", in: result),
            let key = element("AccessKeyId", in: block), let secret = element("SecretAccessKey", in: block),
            let token = element("SessionToken", in: block), let expiration = element("Expiration", in: block),
            let seconds = epochSeconds(iso8601: expiration.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        let keyText = unescape(key), secretText = unescape(secret), tokenText = unescape(token)
        guard !keyText.isEmpty, !secretText.isEmpty, !tokenText.isEmpty else { return nil }
        return AWSCredentials(
            accessKeyID: keyText, secretAccessKey: secretText, sessionToken: tokenText,
            expiration: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// `ErrorResponse/Error/{Code,Message}`, or nil when the body is not an STS error.
    static func error(_ xml: String) -> (code: String, message: String)? {
        guard let block = element("Error", in: Substring(xml)), let code = element("Code", in: block) else {
            return nil
        }
        return (unescape(code), element("Message", in: block).map(unescape) ?? "")
    }

    /// The text between `<name>` (or `<name attr...>`) and the matching `</name>`, first occurrence.
    static func element(_ name: String, in text: Substring) -> Substring? {
        var search = text[...]
        while let open = search.range(of: "<" + name) {
            let after = search[open.upperBound...]
            guard let next = after.first else { return nil }
            if next == ">" || next == " " || next == "\n" || next == "\t" || next == "\r" {
                guard let tagEnd = after.firstIndex(of: ">") else { return nil }
                if after[..<tagEnd].hasSuffix("/") { return "" }
                let body = after[after.index(after: tagEnd)...]
                guard let close = body.range(of: "</" + name + ">") else { return nil }
                return body[..<close.lowerBound]
            }
            search = after
        }
        return nil
    }

    static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z` → seconds since 1970 (fractions dropped), by hand.
    static func epochSeconds(iso8601 text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b.last == UInt8(ascii: "Z")
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + count) {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
                v = v * 10 + Int64(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        if b.count > 20 {
            guard b[19] == UInt8(ascii: "."), b.count > 21, number(20, b.count - 21) != nil else { return nil }
        }
        guard let y = number(0, 4), let m = number(5, 2), let d = number(8, 2), let hh = number(11, 2),
            let mm = number(14, 2), let ss = number(17, 2), (1...12).contains(m), (1...31).contains(d), hh < 24,
            mm < 60, ss < 61
        else { return nil }
        // days_from_civil (Howard Hinnant).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + hh * 3600 + mm * 60 + ss
    }
}
