import Core

/// What makes an Entra ID token an access token for the `entra_v1` / `entra_v2` presets. The generic ID-token
/// rule (`TrustedIssuer.looksLikeIDToken`) relies on `nonce` / `at_hash`, which Entra ID tokens need not carry;
/// with the gateway's client id as audience, an ID token would otherwise pass and (having no `scp`) map to a
/// service. Entra's claim references give access-token-only claims to test instead:
/// - `ver` is `1.0` or `2.0` and must match the preset (v1 and v2 tokens differ in claims and issuer);
/// - a delegated (user) token always carries `scp`; an app-only token carries no `scp` but `roles` and the
///   calling client (`azp` in v2, `appid` in v1), neither of which an ID token has together;
/// - `idtyp`, when the optional claim is configured, is `user` (then `scp` is present) or `app` (then it is not).
enum EntraAccessToken {
    /// Why the claims are not an Entra access token for `preset`, or nil when they are (or `preset` is not Entra).
    static func problem(_ claims: JSONValue, preset: ClaimMappingConfiguration.Preset) -> String? {
        let version: String
        let clientClaim: String
        switch preset {
        case .entraV1: (version, clientClaim) = ("1.0", "appid")
        case .entraV2: (version, clientClaim) = ("2.0", "azp")
        default: return nil
        }
        guard claims["ver"]?.stringValue == version else {
            return "an Entra ID v\(version.prefix(1)) access token (ver \(version)) is required"
        }
        let hasScope = claims["scp"]?.stringValue.map { !$0.isEmpty } ?? false
        let hasRoles = claims["roles"]?.arrayValue.map { !$0.isEmpty } ?? false
        switch claims["idtyp"]?.stringValue {
        case nil: break
        case "user"?: if !hasScope { return "a delegated Entra ID access token carries scp" }
        case "app"?: if hasScope { return "an app-only Entra ID access token carries no scp" }
        default: return "the token's idtyp is not an access token type"
        }
        if hasScope { return nil }
        guard hasRoles else { return "an Entra ID access token carries scp or roles" }
        guard claims[clientClaim]?.stringValue.map({ !$0.isEmpty }) == true else {
            return "an app-only Entra ID access token names its client (\(clientClaim))"
        }
        return nil
    }
}
