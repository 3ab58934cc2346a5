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
    /// header, `Credentials.userTokens`) that token; otherwise the access token of `Authorization` (scheme
    /// `Bearer` or `DPoP`, any case) or of `x-api-key`. Nil when the call carries none — a client certificate
    /// alone, several delegation values, another scheme (Basic).
    ///
    /// Read exactly as authentication reads it (`PresentedToken`, `WorkloadDelegation`), so the token exchanged is
    /// the token that was verified: the call has been authenticated with these credentials before anything asks.
    public static func select(from credentials: Credentials) -> SubjectToken? {
        if !credentials.userTokens.isEmpty {
            guard credentials.userTokens.count == 1 else { return nil }
            let token = PresentedToken.trimASCIIWhitespace(Substring(credentials.userTokens[0]))
            return token.isEmpty ? nil : SubjectToken(token: String(token), source: .delegation)
        }
        guard let presented = try? PresentedToken.read(credentials), !presented.token.isEmpty else { return nil }
        return SubjectToken(token: String(presented.token), source: credentials.authorization != nil ? .authorization : .apiKey)
    }

    public var description: String { "SubjectToken(\(source.rawValue), redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["source": source]) }
}
