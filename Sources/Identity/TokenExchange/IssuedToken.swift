import Core

/// A token the identity provider issued to the gateway for one upstream (or, as actor token, for itself), and
/// until when it may be used. Printing it never shows the token.
public struct IssuedToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The token, for the upstream's `Authorization: Bearer` header only.
    public let value: String
    /// Seconds since the Unix epoch when it expires.
    public let expiresAt: Double

    public init(value: String, expiresAt: Double) {
        self.value = value
        self.expiresAt = expiresAt
    }

    public var description: String { "IssuedToken(redacted, expires at \(Int(expiresAt)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt]) }
}

extension IssuedToken {
    /// Largest token endpoint answer read.
    static let maximumAnswerBytes = 64 * 1024

    /// Reads a token endpoint's answer (RFC 8693 §2.2): on 200 a JSON object with a non-empty `access_token`
    /// (visible ASCII: it goes into a header), `token_type` `Bearer` or `N_A` (any case), `issued_token_type`
    /// when present an access token or JWT, `expires_in` when present a positive integer. Without `expires_in`
    /// the lifetime is the token's JWT `exp`, if it is a JWT, else `defaultLifetime`; with both, the earlier.
    /// Any other status, or an `error` member (§2.2.2), is a refusal naming the status and the `error` code only.
    static func parse(status: Int, body: [UInt8], now: Double, defaultLifetime: Int) throws(TokenExchangeFailure) -> IssuedToken {
        let document = try? JSONParser.parse(body, maxDepth: 16)
        if status != 200 || document?["error"] != nil {
            var detail = "the token endpoint answered \(status)"
            if let code = document?["error"]?.stringValue, Self.isSafeCode(code) { detail += " \(code)" }
            throw TokenExchangeFailure(.refused, detail)
        }
        guard let document, case .object = document else {
            throw TokenExchangeFailure(.invalidAnswer, "the answer is not a JSON object")
        }
        guard case .string(let token)? = document["access_token"], !token.isEmpty else {
            throw TokenExchangeFailure(.invalidAnswer, "the answer has no access_token")
        }
        guard token.utf8.count <= CompactToken.maximumBytes, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw TokenExchangeFailure(.invalidAnswer, "the access_token is not a usable bearer token")
        }
        guard case .string(let type)? = document["token_type"] else {
            throw TokenExchangeFailure(.invalidAnswer, "the answer has no token_type")
        }
        guard ["bearer", "n_a"].contains(type.lowercased()) else {
            throw TokenExchangeFailure(.invalidAnswer, "token_type must be Bearer or N_A")
        }
        if let issued = document["issued_token_type"] {
            guard case .string(let uri) = issued, [TokenTypeURI.accessToken, TokenTypeURI.jwt].contains(uri) else {
                throw TokenExchangeFailure(.invalidAnswer, "issued_token_type is not an access token")
            }
        }
        var expiresAt: Double?
        if let lifetime = document["expires_in"] {
            guard let seconds = lifetime.intValue else { throw TokenExchangeFailure(.invalidAnswer, "expires_in is not an integer") }
            guard seconds > 0 else { throw TokenExchangeFailure(.invalidAnswer, "expires_in is not positive") }
            expiresAt = now + Double(seconds)
        }
        if let exp = jwtExpiry(token) {
            guard exp > now else { throw TokenExchangeFailure(.invalidAnswer, "the issued token has expired") }
            expiresAt = min(expiresAt ?? exp, exp)
        }
        return IssuedToken(value: token, expiresAt: expiresAt ?? now + Double(defaultLifetime))
    }

    /// The `exp` of a token that parses as a JWS with a numeric `exp`, else nil (an opaque token). Read, not
    /// verified: the answer came from the identity provider over TLS, and `exp` only bounds the gateway's use.
    static func jwtExpiry(_ token: String) -> Double? {
        guard let parsed = try? CompactToken(Substring(token)) else { return nil }
        switch parsed.claims["exp"] {
        case .integer(let i)?: return Double(i)
        case .number(let d)? where d.isFinite: return d
        default: return nil
        }
    }

    /// An RFC 6749 error code may be named in errors and logs: `[A-Za-z0-9_.-]`, at most 64.
    static func isSafeCode(_ code: String) -> Bool {
        (1...64).contains(code.utf8.count)
            && code.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) || b == 0x5F || b == 0x2E || b == 0x2D
            }
    }
}
