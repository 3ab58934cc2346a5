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
            let seconds = AWSTimestamp.epochSeconds(iso8601: expiration.trimmingCharacters(in: .whitespacesAndNewlines))
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
}
