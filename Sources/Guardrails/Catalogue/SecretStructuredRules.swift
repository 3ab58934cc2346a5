/// Secrets recognised by structure or by the key they are assigned to.
enum SecretStructuredRules {
    static var all: [DetectorRule] {
        [
            awsSecretKey, azureStorageKey, gcpServiceAccount, jwt, privateKey, databaseURL, urlCredentials, passwordAssignment,
            genericSecret, bearer,
        ]
    }

    private static let valueChars = SpanExtension.anyExcept(" \t\r\n\"'`<>,;)]}", limit: 200)

    static let awsSecretKey = DetectorRule(
        id: "secret.aws_secret_key", category: "secret.aws_secret_key",
        pattern: #"aws_?secret_?(?:access_?)?key["']?\s{0,3}[:=]{1,2}>?\s{0,3}["']?[A-Za-z0-9/+=]{40}"#, caseless: true,
        baseScore: 0.95,
        validate: { m, _ in
            TokenShape.isPlaceholder(m) || TokenShape.entropy(m) < 3.5 ? nil : 0.95
        }
    ).with { $0.valueOnly = true }

    static let azureStorageKey = DetectorRule(
        id: "secret.azure_storage_key", category: "secret.azure_storage_key",
        pattern: #"AccountKey=[A-Za-z0-9+/]{86}=="#, baseScore: 0.95,
        validate: { m, _ in TokenShape.isPlaceholder(m) || TokenShape.entropy(m) < 4 ? nil : 0.95 }
    ).with { $0.valueOnly = true }

    static let gcpServiceAccount = DetectorRule(
        id: "secret.gcp_service_account", category: "secret.gcp_service_account",
        pattern: #""private_key_id"\s{0,3}:\s{0,3}"[a-f0-9]{40}""#, baseScore: 0.95,
        validate: { m, _ in TokenShape.isPlaceholder(m) ? nil : 0.95 }
    ).with { $0.valueOnly = true }

    /// JSON Web Tokens: header and payload are base64url JSON (`eyJ` = `{"`). The pattern anchors at the
    /// payload (`.ey…`); the header is grown to the left (a `kid`/`x5t` header runs to 200+ characters)
    /// and the signature to the right.
    static let jwt = DetectorRule(
        id: "secret.jwt", category: "secret.jwt", pattern: #"[A-Za-z0-9_\-]\.ey[A-Za-z0-9_\-]{4}"#,
        baseScore: 0.9,
        validate: { m, _ in
            let parts = m.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].hasPrefix("ey"), parts[0].utf8.count >= 12, parts[1].utf8.count >= 8,
                parts[2].utf8.count >= 16
            else { return nil }
            return TokenShape.isPlaceholder(parts[2]) || DocumentationKeys.contains(m) ? nil : 0.9
        }
    ).with {
        $0.extendLeft = .alphanumeric(plus: "_-", limit: 300)
        $0.spanExtension = .alphanumeric(plus: "_-.=", limit: 4096)
        $0.trimTrailing = "."
        $0.isolated = true
    }

    /// PEM private key blocks, header through footer.
    static let privateKey = DetectorRule(
        id: "secret.private_key", category: "secret.private_key",
        pattern: #"-----BEGIN[A-Z ]{0,24} PRIVATE KEY(?: BLOCK)?-----"#, baseScore: 0.99,
        validate: { m, _ in
            // Body between the header's closing dashes and the footer: base64 (and PEM headers), no dashes.
            let bytes = m.utf8.drop { $0 == UInt8(ascii: "-") }.drop { $0 != UInt8(ascii: "-") }.drop { $0 == UInt8(ascii: "-") }
            let body = bytes.prefix { $0 != UInt8(ascii: "-") }.filter { $0 > 0x20 }
            guard body.count >= 40 else { return nil }
            let sample = String(decoding: body.prefix(256), as: UTF8.self)[...]
            // Random base64 may contain any short word, so only elisions and filler mark an example block.
            guard !sample.containsAnyCaseless(["...", "…"]), !TokenShape.hasLongRun(sample, length: 8) else { return nil }
            return 0.99
        }
    ).with { $0.spanExtension = .through(terminator: "-----END", closing: "-----", limit: 16384) }

    static let databaseURL = DetectorRule(
        id: "secret.database_url", category: "secret.database_url",
        pattern: #"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb)://[^\s:@/]{1,64}:[^\s@/]{3}"#,
        caseless: true, baseScore: 0.97,
        validate: { m, _ in
            guard let at = m.lastIndex(of: "@"), m[m.index(after: at)...].contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
            let credentials = m[..<at].split(separator: "/").last ?? ""
            guard let colon = credentials.firstIndex(of: ":") else { return nil }
            let password = credentials[credentials.index(after: colon)...]
            return PasswordShape.isRealPassword(password, inURL: true) ? 0.97 : nil
        }
    ).with {
        $0.spanExtension = .anyExcept(" \t\r\n\"'`<>", limit: 300)
        $0.trimTrailing = ".,;:)]}"
    }

    /// A password in the user part of any URL (`https://admin:pw@host`, `ftp://`, `smb://`, `git+ssh://`):
    /// the finding is `user:password`, so a redacted URL keeps its host. Scores above an e-mail address
    /// (`pw@host` is not one) and below `database_url`, which covers the whole connection string.
    static let urlCredentials = DetectorRule(
        id: "secret.url_credentials", category: "secret.url_credentials",
        pattern: #"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:@/?#]{1,64}:[^\s@/]{3}"#, baseScore: 0.96,
        validate: { m, c in
            guard let colon = m.firstIndex(of: ":"), TokenShape.after(m, in: c) == "@" else { return nil }
            let user = m[..<colon], password = m[m.index(after: colon)...]
            guard !user.isEmpty else { return nil }
            return PasswordShape.isRealPassword(password, inURL: true) ? 0.96 : nil
        }
    ).with {
        $0.spanExtension = .anyExcept(" \t\r\n\"'`<>@/", limit: 200)
        $0.startAfter = "//"
    }

    static let passwordAssignment = DetectorRule(
        id: "secret.password", category: "secret.password",
        pattern: #"(?:password|passwd|passphrase|pwd|pass)["']?\s{0,3}(?:[:=]{1,2}|=>|\bis\b)\s{0,3}["']?[^\s"'<>]{4}"#,
        caseless: true, baseScore: 0.8,
        validate: { m, c in
            // A quoted word after `password =` is a password; an unquoted one is usually prose or code.
            let quoted = TokenShape.before(m, in: c).map { $0 == "\"" || $0 == "'" } ?? false
            return PasswordShape.isRealPassword(m, quoted: quoted) ? 0.8 : nil
        }
    ).with {
        $0.spanExtension = valueChars
        $0.valueOnly = true
    }

    /// `api_key = ...`, `client_secret: ...` and similar with a random-looking value.
    static let genericSecret = DetectorRule(
        id: "secret.generic", category: "secret.generic",
        pattern: #"(?:secret|token|api[_\-]?key|apikey|access[_\-]?key|auth|credential|private[_\-]?key|signing[_\-]?key)[A-Za-z0-9_\-]{0,20}["']?\s{0,3}(?:[:=]{1,2}|=>)\s{0,3}["']?[A-Za-z0-9+/_\-.=]{16}"#,
        caseless: true, baseScore: 0.75,
        validate: { m, _ in
            TokenShape.looksRandom(m, minLength: 16, minEntropy: 3.3) && !PasswordShape.isCodeReference(m)
                && !PasswordShape.isIdentifier(m) ? 0.75 : nil
        }
    ).with {
        $0.spanExtension = .alphanumeric(plus: "+/_-.=", limit: 200)
        $0.valueOnly = true
    }

    static let bearer = DetectorRule(
        id: "secret.bearer_token", category: "secret.generic", pattern: #"bearer [A-Za-z0-9\-._~+/]{20}"#,
        caseless: true, baseScore: 0.8,
        validate: { m, _ in
            let value = m.dropFirst(7)
            return TokenShape.looksRandom(value, minLength: 20, minEntropy: 3.3) ? 0.8 : nil
        }
    ).with {
        $0.spanExtension = .alphanumeric(plus: "-._~+/=", limit: 2048)
        $0.valueOnly = false
    }
}

/// What a real password looks like, as opposed to a placeholder, type annotation or code reference.
enum PasswordShape {
    static let notPasswords: Set<String> = [
        "password", "passwd", "pass", "pwd", "secret", "string", "str", "none", "null", "nil", "true", "false",
        "undefined", "required", "optional", "empty", "text", "hidden", "int", "bool", "number", "admin",
        "username", "user", "your_password", "mypassword", "new_password", "old_password", "confirm",
    ]

    static func isCodeReference(_ v: Substring) -> Bool {
        let lower = v.lowercased()
        // `%(name)s`, `%NAME%`, `%s` are templates; a password may well start with `%`.
        let percent = lower.hasPrefix("%(") || lower == "%s" || (lower.hasPrefix("%") && lower.hasSuffix("%") && lower.count > 2)
        return lower.hasPrefix("$") || percent || lower.hasPrefix("{") || lower.hasPrefix("process.env")
            || lower.hasPrefix("os.environ") || lower.hasPrefix("env.") || lower.hasPrefix("env[") || lower.containsCaseless("getenv")
            || lower.hasPrefix("self.") || lower.hasPrefix("this.") || lower.hasPrefix("config.") || lower.hasPrefix("settings.")
            || lower.hasPrefix("args.") || lower.hasPrefix("request.") || lower.hasPrefix("req.") || lower.hasPrefix("input(")
            || lower.hasSuffix("()") || lower.utf8.contains(UInt8(ascii: "(")) || lower.hasPrefix("@")
    }

    /// Words, identifiers and dotted names (`Incorrect`, `ConvertTo-SecureString`, `axios.CancelToken.source`):
    /// no digit and nothing but letters and `_ - . \\`.
    static func isIdentifier(_ v: Substring) -> Bool {
        guard v.count <= 40 else { return false }
        return v.allSatisfy { ($0.isASCII && $0.isLetter) || $0 == "_" || $0 == "-" || $0 == "." || $0 == "\\" }
    }

    /// `inURL`: the value sits in `user:password@host`, which says it is a password; only placeholders,
    /// template references and filler are excused there, not words.
    static func isRealPassword(_ raw: Substring, quoted: Bool = false, inURL: Bool = false) -> Bool {
        var v = raw
        while let last = v.last, last == "\"" || last == "'" || last == "," || last == ";" || last == "." { v = v.dropLast() }
        guard v.count >= 4, v.count <= 128 else { return false }
        let lower = v.lowercased()
        if notPasswords.contains(lower) || TokenShape.isPlaceholder(v) || isCodeReference(v) { return false }
        if v.allSatisfy({ $0 == "*" || $0 == "x" || $0 == "X" || $0 == "•" || $0 == "." }) { return false }
        // A plain word or identifier is more often prose ("password is required") or code than a password.
        if lower.containsCaseless("password") || lower.containsCaseless("passwd") { return false }
        if !inURL, isIdentifier(v), !(quoted && v.count >= 6 && v.allSatisfy({ $0.isASCII && $0.isLetter })), !looksRandomLetters(v) {
            return false
        }
        return true
    }

    /// Letters in random case (`OWceXzwPPkc`), unlike words and camelCase names (`ConvertToSecureString`,
    /// `HTTPServer`): at least 8 letters making up most of it, a quarter to three quarters upper case,
    /// and the case changes four times or more.
    static func looksRandomLetters(_ v: Substring) -> Bool {
        let letters = v.utf8.filter { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
        guard letters.count >= 8, letters.count * 5 >= v.utf8.count * 4 else { return false }
        let upper = letters.filter { $0 < 0x61 }.count
        guard upper * 4 >= letters.count, upper * 4 <= letters.count * 3 else { return false }
        var changes = 0
        for (a, b) in zip(letters, letters.dropFirst()) where (a < 0x61) != (b < 0x61) { changes += 1 }
        return changes >= 4
    }
}
