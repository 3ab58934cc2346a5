import Core

/// The caller's user token, as the gateway presents it to the identity provider as RFC 8693 `subject_token` when
/// an upstream needs a credential of its own for that user (see `TokenExchanger`). Never printed: `description`,
/// `debugDescription` and reflection (`dump`, string interpolation) show where it came from, not the token.
public struct SubjectToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Which credential of the call carried it.
    public enum Source: String, Sendable, Equatable {
        /// The delegation header: a workload authenticated itself and carries the user's token.
        case delegation
        /// `Authorization: Bearer …` or `Authorization: DPoP …`.
        case authorization
        /// `x-api-key` (Anthropic SDKs send the bearer token there).
        case apiKey = "x-api-key"
    }

    /// The token itself: only the token endpoint ever sees it.
    let token: String
    public let source: Source

    init(token: String, source: Source) {
        self.token = token
        self.source = source
    }

    /// The user token of a call: in delegation mode (a workload carrying the user's token in the delegation
    /// header, `Credentials.userTokens`) that token; otherwise the bearer token of `Authorization` (scheme
    /// `Bearer` or `DPoP`, any case) or of `x-api-key`. Nil when the call carries none — a client certificate alone,
    /// several delegation values (refused by authentication anyway), another scheme (Basic).
    ///
    /// Selection only: the call has been authenticated with these credentials before anything asks for this.
    public static func select(from credentials: Credentials) -> SubjectToken? {
        if !credentials.userTokens.isEmpty {
            guard credentials.userTokens.count == 1, let token = stripScheme(credentials.userTokens[0], schemes: ["bearer"], required: false) else {
                return nil
            }
            return SubjectToken(token: token, source: .delegation)
        }
        if let authorization = credentials.authorization {
            return stripScheme(authorization, schemes: ["bearer", "dpop"], required: true).map { SubjectToken(token: $0, source: .authorization) }
        }
        if let key = credentials.apiKeyHeader {
            return stripScheme(key, schemes: ["bearer"], required: false).map { SubjectToken(token: $0, source: .apiKey) }
        }
        return nil
    }

    /// `<scheme> <token>` (scheme case-insensitive, one of `schemes`) → token; without `required` a bare value is
    /// the token. Nil when empty, or when the value has a space or control character inside.
    static func stripScheme(_ value: String, schemes: [String], required: Bool) -> String? {
        let trimmed = value.trimmingASCIISpaces()
        var token = Substring(trimmed)
        if let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) {
            guard schemes.contains(trimmed[..<space].lowercased()) else { return nil }
            token = Substring(String(trimmed[space...]).trimmingASCIISpaces())
        } else if required {
            return nil
        }
        guard !token.isEmpty, token.utf8.count <= 16 * 1024, !token.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }
        return String(token)
    }

    public var description: String { "SubjectToken(\(source.rawValue), redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["source": source]) }
}

extension String {
    fileprivate func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
