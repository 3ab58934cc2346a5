import Core
import Crypto

/// RFC 7638 JWK thumbprints: SHA-256 over the JSON object of a public key's required members only —
/// EC `crv, kty, x, y`; RSA `e, kty, n`; OKP `crv, kty, x` — in lexicographic order, without whitespace,
/// base64url without padding. The same public key always has the same thumbprint, whatever other members
/// (`kid`, `alg`, `use`) its JWK carries; DPoP binds tokens to it (`cnf.jkt`, RFC 9449 §6).
///
/// The object is written by `CanonicalJSON` (members sorted by their UTF-8 bytes, no whitespace), which for
/// these ASCII member names and string values is exactly the RFC 7638 serialisation.
public enum JWKThumbprint {
    /// The members RFC 7638 §3.2 hashes for a key type, in lexicographic order; nil for an unknown or
    /// symmetric (`oct`) key type — a symmetric key is never a DPoP or binding key here.
    public static func requiredMembers(keyType: String) -> [String]? {
        switch keyType {
        case "EC": ["crv", "kty", "x", "y"]
        case "RSA": ["e", "kty", "n"]
        case "OKP": ["crv", "kty", "x"]
        default: nil
        }
    }

    /// The base64url SHA-256 thumbprint of a public JWK, or nil when its `kty` is not EC, RSA or OKP or a
    /// required member is missing or not a non-empty string.
    public static func sha256(_ jwk: [String: JSONValue]) -> String? {
        guard let object = requiredObject(jwk) else { return nil }
        return Base64URL.encode(Array(SHA256.hash(data: JSONValue.object(object).serialized())))
    }

    /// The thumbprint of a JWK whose members are all strings (as `DevelopmentIssuer` and the CLI hold them).
    public static func sha256(_ jwk: [String: String]) -> String? {
        sha256(jwk.mapValues(JSONValue.string))
    }

    /// The required members of a public JWK, or nil (see `sha256`). Also what a DPoP proof's key is built from,
    /// so the verifier for a thumbprint never depends on the members the thumbprint leaves out.
    static func requiredObject(_ jwk: [String: JSONValue]) -> [String: JSONValue]? {
        guard let kty = jwk["kty"]?.stringValue, let members = requiredMembers(keyType: kty) else { return nil }
        var object: [String: JSONValue] = [:]
        for name in members {
            guard let value = jwk[name]?.stringValue, !value.isEmpty else { return nil }
            object[name] = .string(value)
        }
        return object
    }
}
