import Core

/// The access token a caller presented, and how: `Authorization: Bearer <token>` (or Anthropic's `x-api-key`,
/// the same credential) or `Authorization: DPoP <token>` with a proof of possession (RFC 9449).
/// Byte-level on purpose: Foundation's trimming walks UTF-16 and cost more than the signature check (measured).
struct PresentedToken {
    enum Scheme { case bearer, dpop }

    let scheme: Scheme
    let token: Substring

    /// The token presented, or nil when no token was sent.
    static func read(_ credentials: Credentials) throws(AuthenticationFailure) -> PresentedToken? {
        let fromAuthorization = try credentials.authorization.map { (v: String) throws(AuthenticationFailure) in
            try parse(v, required: true)
        }
        var fromAPIKey: PresentedToken?
        if let key = credentials.apiKeyHeader {
            let value = try parse(key, required: false)
            if value.scheme == .dpop {
                throw AuthenticationFailure(.malformedCredentials, "x-api-key carries a bearer token, not a DPoP one")
            }
            fromAPIKey = value.token.isEmpty ? nil : value
        }
        if let a = fromAuthorization, let b = fromAPIKey, a.token != b.token || a.scheme != b.scheme {
            throw AuthenticationFailure(.malformedCredentials, "Authorization and x-api-key carry different credentials")
        }
        return fromAuthorization ?? fromAPIKey
    }

    /// `Bearer <token>` or `DPoP <token>` (scheme case-insensitive) → token; without `required`, a bare value is
    /// a bearer token.
    private static func parse(_ value: String, required: Bool) throws(AuthenticationFailure) -> PresentedToken {
        if value.utf8.count > CompactToken.maximumBytes + 64 { throw AuthenticationFailure(.tokenTooLarge) }
        let trimmed = trimASCIIWhitespace(Substring(value))
        for (name, scheme) in [("bearer", Scheme.bearer), ("dpop", Scheme.dpop)] where hasScheme(trimmed, name) {
            let token = trimASCIIWhitespace(trimmed.dropFirst(name.utf8.count))
            guard !token.isEmpty else { throw AuthenticationFailure(.malformedCredentials) }
            return PresentedToken(scheme: scheme, token: token)
        }
        if required { throw AuthenticationFailure(.malformedCredentials) }
        return PresentedToken(scheme: .bearer, token: trimmed)
    }

    private static func hasScheme(_ value: Substring, _ name: String) -> Bool {
        let utf8 = value.utf8
        let scheme = Array(name.utf8)
        guard utf8.count > scheme.count else { return false }
        var i = utf8.startIndex
        for c in scheme {
            if utf8[i] | 0x20 != c { return false }
            i = utf8.index(after: i)
        }
        return utf8[i] == UInt8(ascii: " ") || utf8[i] == UInt8(ascii: "\t")
    }

    static func trimASCIIWhitespace(_ s: Substring) -> Substring {
        var start = s.utf8.startIndex
        var end = s.utf8.endIndex
        while start < end, s.utf8[start] == 0x20 || s.utf8[start] == 0x09 { start = s.utf8.index(after: start) }
        while end > start {
            let before = s.utf8.index(before: end)
            guard s.utf8[before] == 0x20 || s.utf8[before] == 0x09 else { break }
            end = before
        }
        return Substring(s.utf8[start..<end])
    }
}

/// The token of an `Authorization: Bearer <token>` value, read as `PresentedToken` reads it (scheme
/// case-insensitive, surrounding blanks dropped), for endpoints that take one fixed token rather than an identity
/// (the metrics scraper's). Nil for any other value, a DPoP one included.
public enum BearerAuthorization {
    public static func token(_ authorization: String) -> Substring? {
        guard let presented = try? PresentedToken.read(Credentials(authorization: authorization)), presented.scheme == .bearer else { return nil }
        return presented.token
    }
}
