import Core

/// A token's RFC 7800 `cnf` claim: the key or certificate its presenter must prove. Only the two methods the
/// gateway checks are understood — `jkt` (RFC 9449 DPoP: JWK SHA-256 thumbprint) and `x5t#S256` (RFC 8705:
/// certificate SHA-256 thumbprint); a `cnf` naming anything else, both, or nothing is refused, since a token
/// bound in a way the gateway cannot check must not be usable as a plain bearer token.
enum TokenConfirmation: Sendable, Equatable {
    case none
    case dpop(jkt: String)
    case certificate(thumbprint: String)

    static func read(_ claims: JSONValue) throws(AuthenticationFailure) -> TokenConfirmation {
        guard let cnf = claims["cnf"] else { return .none }
        guard case .object(let members) = cnf else { throw AuthenticationFailure(.tokenBindingMismatch, "the cnf claim is not an object") }
        var found: TokenConfirmation?
        for (name, value) in members {
            guard found == nil else { throw AuthenticationFailure(.tokenBindingMismatch, "the cnf claim names more than one confirmation method") }
            guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= 128 else {
                throw AuthenticationFailure(.tokenBindingMismatch, "the cnf claim's \(name == "jkt" || name == "x5t#S256" ? name : "member") is not a thumbprint")
            }
            switch name {
            case "jkt": found = .dpop(jkt: text)
            case "x5t#S256": found = .certificate(thumbprint: text)
            default: throw AuthenticationFailure(.tokenBindingMismatch, "the token is bound by a confirmation method the gateway does not check")
            }
        }
        guard let found else { throw AuthenticationFailure(.tokenBindingMismatch, "the cnf claim is empty") }
        return found
    }
}
