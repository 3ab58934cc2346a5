import Core
import Crypto
import Foundation
import Testing

@testable import Identity

/// `identity.dpop` decoding, RFC 7638 JWK thumbprints and RFC 8705 certificate thumbprints.
@Suite struct DPoPConfigurationAndThumbprintTests {
    func decode(_ json: String) throws -> DPoPConfiguration {
        try JSONDecoder().decode(DPoPConfiguration.self, from: Data(json.utf8))
    }

    func decodingError(_ json: String) -> String? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test func defaults() throws {
        let c = try decode(#"{"public_url": "https://gateway.example.org"}"#)
        #expect(c.algorithms == ["ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA"])
        #expect(c.iatWindowSeconds == 60)
        #expect(c.requireNonce == false)
        #expect(c.nonceLifetimeSeconds == 300)
        #expect(c.nonceKey == nil)
        #expect(c.replayCacheEntries == 100_000)
        let full = try decode(#"""
            {"public_url": "http://127.0.0.1:8080/", "algorithms": ["ES256"], "iat_window_seconds": 30,
             "require_nonce": true, "nonce_lifetime_seconds": 120, "nonce_key": "env:K", "replay_cache_entries": 500}
            """#)
        #expect(full.nonceKey?.reference == "env:K")
        #expect(full.requireNonce && full.iatWindowSeconds == 30 && full.replayCacheEntries == 500)
    }

    @Test func strictDecodingRefusesWhatCannotBeRight() {
        let refused: [(String, String)] = [
            (#"{}"#, "public_url"),
            (#"{"public_url": "https://g.example.org", "algorithm": ["ES256"]}"#, "unknown key 'algorithm'"),
            (#"{"public_url": "https://g.example.org", "algorithms": ["HS256"]}"#, "HS256 is refused"),
            (#"{"public_url": "https://g.example.org", "algorithms": ["none"]}"#, "none is refused"),
            (#"{"public_url": "https://g.example.org", "algorithms": ["ES256K"]}"#, "not supported"),
            (#"{"public_url": "https://g.example.org", "algorithms": []}"#, "at least one"),
            (#"{"public_url": "https://g.example.org?x=1"}"#, "public_url"),
            (#"{"public_url": "https://g.example.org/#top"}"#, "public_url"),
            (#"{"public_url": "ftp://g.example.org"}"#, "public_url"),
            (#"{"public_url": "https://user@g.example.org"}"#, "public_url"),
            (#"{"public_url": "https:///path"}"#, "public_url"),
            (#"{"public_url": "g.example.org"}"#, "public_url"),
            (#"{"public_url": "https://g.example.org", "iat_window_seconds": 0}"#, "iat_window_seconds"),
            (#"{"public_url": "https://g.example.org", "nonce_lifetime_seconds": 1}"#, "nonce_lifetime_seconds"),
            (#"{"public_url": "https://g.example.org", "replay_cache_entries": 0}"#, "replay_cache_entries"),
            (#"{"public_url": "https://g.example.org", "nonce_key": "literal-secret"}"#, "env:NAME"),
        ]
        for (json, expected) in refused {
            let error = decodingError(json)
            #expect(error?.contains(expected) == true, "\(json) → \(error ?? "accepted")")
        }
    }

    @Test func anInvalidConfigurationBuiltInCodeStopsTheVerifier() {
        #expect(throws: IdentitySetupFailure.self) {
            _ = try DPoPVerifier(configuration: DPoPConfiguration(publicURL: "https://g.example.org", algorithms: ["HS256"]))
        }
    }

    @Test func rfc7638ExampleThumbprint() {
        // RFC 7638 §3.1.
        let jwk: [String: JSONValue] = [
            "kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        ]
        #expect(JWKThumbprint.sha256(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test func thumbprintsUseTheRequiredMembersOnly() {
        let ec: [String: String] = ["kty": "EC", "crv": "P-256", "x": "eA", "y": "eQ"]
        let expected = b64(Array(SHA256.hash(data: Array(#"{"crv":"P-256","kty":"EC","x":"eA","y":"eQ"}"#.utf8))))
        #expect(JWKThumbprint.sha256(ec) == expected)
        #expect(JWKThumbprint.sha256(ec.merging(["kid": "k1", "alg": "ES256", "use": "sig"]) { a, _ in a }) == expected)
        let okp = b64(Array(SHA256.hash(data: Array(#"{"crv":"Ed25519","kty":"OKP","x":"eA"}"#.utf8))))
        #expect(JWKThumbprint.sha256(["kty": "OKP", "crv": "Ed25519", "x": "eA"]) == okp)
        #expect(JWKThumbprint.sha256(["kty": "EC", "crv": "P-256", "x": "eA"]) == nil)
        #expect(JWKThumbprint.sha256(["kty": "oct", "k": "c2VjcmV0"]) == nil)
        #expect(JWKThumbprint.sha256(["kty": .string("EC"), "crv": "P-256", "x": .integer(1), "y": "eQ"]) == nil)
    }

    @Test func theDevelopmentIssuersKeyIDsAreTheirThumbprints() async throws {
        let dev = try await DevelopmentIssuer.create(issuer: "http://127.0.0.1:9/dev-idp", dataDirectory: nil)
        let keys = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(dev.jwksJSON().utf8))["keys"]!
        #expect(keys.count == 2)
        for key in keys {
            let members = JWKThumbprint.requiredMembers(keyType: key["kty"]!)!
            let json = "{" + members.map { "\"\($0)\":\"\(key[$0]!)\"" }.joined(separator: ",") + "}"
            #expect(key["kid"] == b64(Array(SHA256.hash(data: Array(json.utf8)))))
            #expect(key["kid"] == JWKThumbprint.sha256(key))
        }
    }

    @Test func theSignersThumbprintAndPEMRoundTrip() throws {
        let signer = DPoPProofSigner()
        let reloaded = try DPoPProofSigner(pem: signer.pemRepresentation)
        #expect(reloaded.jkt == signer.jkt)
        #expect(reloaded.publicJWK == signer.publicJWK)
        #expect(signer.jkt == JWKThumbprint.sha256(signer.publicJWK))
        #expect(DPoPProofSigner().jkt != signer.jkt)
    }

    @Test func certificateThumbprintIsBase64URLSHA256OfTheDER() {
        #expect(DPoPVerifier.certificateThumbprint(der: Array("abc".utf8)) == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0")
        #expect(DPoPVerifier.certificateThumbprint(der: []) == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU")
    }

    @Test func htuNormalisation() {
        #expect(DPoPTarget.normalized("HTTPS://Example.COM:443") == "https://example.com/")
        #expect(DPoPTarget.normalized("http://example.com:80/a%2fb%7e?q#f") == "http://example.com/a%2Fb~")
        #expect(DPoPTarget.normalized("http://[::1]:8080/x") == "http://[::1]:8080/x")
        #expect(DPoPTarget.normalized("http://example.com:0080/") == "http://example.com/")
        #expect(DPoPTarget.normalized("http://example.com:99999/") == nil)
        #expect(DPoPTarget.normalized("http://example.com/a b") == nil)
        #expect(DPoPTarget.normalized("http://example.com/%zz") == nil)
        #expect(DPoPTarget.normalized("http://a@example.com/") == nil)
        #expect(DPoPTarget.base("https://example.com/api/") == "https://example.com/api")
        #expect(DPoPTarget.expected(base: "https://example.com", path: "") == "https://example.com/")
        #expect(DPoPTarget.expected(base: "https://example.com", path: "v1") == nil)
    }
}
