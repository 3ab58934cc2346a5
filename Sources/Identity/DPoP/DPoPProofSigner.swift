import Core
import Crypto
import Foundation

/// Makes DPoP proofs (RFC 9449 §4.2) with an ES256 key, for development, tests and the CLI: header
/// `{"typ":"dpop+jwt","alg":"ES256","jwk":{…public key…}}`, claims `jti`, `htm`, `htu`, `iat` and, when
/// given, `ath` and `nonce`. Signing is swift-crypto's P-256 (the verifier's jwt-kit checks it independently).
/// Development only: whoever holds `pemRepresentation` can prove possession of the key.
public struct DPoPProofSigner: Sendable {
    private let key: P256.Signing.PrivateKey
    /// The public key as a JWK: `{"kty":"EC","crv":"P-256","x":…,"y":…}`.
    public let publicJWK: [String: String]
    /// The key's RFC 7638 thumbprint: the `jkt` a token bound to this key names in `cnf`.
    public let jkt: String

    /// A new random key.
    public init() {
        self.init(key: P256.Signing.PrivateKey())
    }

    /// The key in `pem` (PKCS#8 `PRIVATE KEY` or SEC 1 `EC PRIVATE KEY`, P-256).
    public init(pem: String) throws {
        self.init(key: try P256.Signing.PrivateKey(pemRepresentation: pem))
    }

    private init(key: P256.Signing.PrivateKey) {
        self.key = key
        // x963: 0x04 || x (32 bytes) || y (32 bytes).
        let point = Array(key.publicKey.x963Representation)
        publicJWK = ["kty": "EC", "crv": "P-256", "x": Base64URL.encode(point[1..<33]), "y": Base64URL.encode(point[33..<65])]
        // A P-256 JWK always has every required member, so the thumbprint exists.
        jkt = JWKThumbprint.sha256(publicJWK) ?? ""
    }

    /// The private key, PKCS#8 PEM (to save and load with `init(pem:)`).
    public var pemRepresentation: String { key.pemRepresentation }

    /// A proof for one request.
    /// - Parameters:
    ///   - method: the request method (`htm`), e.g. `POST`.
    ///   - url: the request URL; its query and fragment are left out of `htu`.
    ///   - accessToken: the DPoP-bound access token the request carries (`ath`); nil for a token request.
    ///   - nonce: the server's `DPoP-Nonce`, if it sent one.
    ///   - iat: issued-at (seconds since 1970); default now.
    ///   - jti: the proof's unique id; default 16 random bytes, base64url.
    public func proof(
        method: String, url: String, accessToken: String?, nonce: String? = nil, iat: Int? = nil, jti: String? = nil
    ) throws -> String {
        let htu = String(url.prefix { $0 != "?" && $0 != "#" })
        var claims: [String: JSONValue] = [
            "jti": .string(jti ?? Self.randomID()), "htm": .string(method), "htu": .string(htu),
            "iat": .integer(iat ?? Int(Date().timeIntervalSince1970)),
        ]
        if let accessToken { claims["ath"] = .string(DPoPVerifier.accessTokenHash(Substring(accessToken))) }
        if let nonce { claims["nonce"] = .string(nonce) }
        return try sign(header: header, claims: claims)
    }

    /// The header of every proof this signer makes.
    var header: [String: JSONValue] {
        ["typ": .string("dpop+jwt"), "alg": .string("ES256"), "jwk": .object(publicJWK.mapValues(JSONValue.string))]
    }

    /// Signs any header and claims (tests use it to make proofs that must be refused).
    func sign(header: [String: JSONValue], claims: [String: JSONValue]) throws -> String {
        let input = Base64URL.encode(JSONValue.object(header).serialized()) + "."
            + Base64URL.encode(JSONValue.object(claims).serialized())
        // JWS ES256 signatures are the raw 64-byte r || s (RFC 7518 §3.4), which `rawRepresentation` is.
        let signature = try key.signature(for: Array(input.utf8))
        return input + "." + Base64URL.encode(Array(signature.rawRepresentation))
    }

    private static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
