import Core
import Foundation
import JWTKit

/// The signed JWT a service account presents to Google's token endpoint (RFC 7523, Google's "OAuth 2.0 for
/// server to server applications"): header `{"alg":"RS256","typ":"JWT","kid":private_key_id}`, claims `iss`
/// (client email), `scope` (space-joined), `aud` (the token endpoint), `iat` and `exp` (one hour later).
struct ServiceAccountAssertion: Sendable {
    /// Google accepts assertions valid for at most an hour.
    static let lifetimeSeconds = 3600

    let header: [String: JSONValue]
    let claims: [String: JSONValue]

    init(key: ServiceAccountKey, scopes: [String], audience: String, issuedAt: Date) {
        let iat = Int(issuedAt.timeIntervalSince1970)
        header = ["alg": .string("RS256"), "typ": .string("JWT"), "kid": .string(key.privateKeyID)]
        claims = [
            "iss": .string(key.clientEmail), "scope": .string(scopes.joined(separator: " ")),
            "aud": .string(audience), "iat": .integer(iat), "exp": .integer(iat + Self.lifetimeSeconds),
        ]
    }

    /// `base64url(header).base64url(claims).base64url(RS256 signature)`.
    func signed(with algorithm: any JWTAlgorithm) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = Self.base64URL(try encoder.encode(JSONValue.object(header))) + "."
            + Self.base64URL(try encoder.encode(JSONValue.object(claims)))
        return input + "." + Self.base64URL(Data(try algorithm.sign(Array(input.utf8))))
    }

    /// The jwt-kit RS256 signer for the account's key.
    static func signer(for key: ServiceAccountKey) async throws -> any JWTAlgorithm {
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: key.privateKeyID)
        await keys.add(rsa: key.privateKey, digestAlgorithm: .sha256, kid: kid)
        return try await keys.getKey(for: kid, alg: "RS256")
    }

    /// The form body of the JWT bearer grant (`application/x-www-form-urlencoded`). A JWT is base64url and
    /// dots only, so it needs no escaping.
    func formBody(assertion: String) -> [UInt8] {
        Array(("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion).utf8)
    }

    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
