import Core
import Crypto
import CryptoExtras
import Foundation
import Testing

@testable import Identity

/// RFC 9449 proof verification: the valid proof passes, and every way a proof can be wrong for its request
/// is refused with its reason, without echoing the proof, the token, the jti or the key.
@Suite struct DPoPVerifierTests {
    let h: DPoPHarness

    init() throws { h = try DPoPHarness() }

    func expectRefusal(_ proofs: [String], _ reason: AuthenticationFailure.Reason, method: String = "POST",
                       path: String = DPoPHarness.path, accessToken: String = DPoPHarness.accessToken,
                       now: Double = DPoPHarness.now, harness: DPoPHarness? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) async {
        let h = harness ?? self.h
        let failure = await h.refusal(proofs, method: method, path: path, accessToken: accessToken, now: now)
        #expect(failure?.reason == reason, sourceLocation: sourceLocation)
        guard let failure else { return }
        var secrets = [accessToken, h.signer.publicJWK["x"]!, h.signer.publicJWK["y"]!, "proof-1"]
        for proof in proofs { secrets += [proof] + proof.split(separator: ".").filter { $0.count > 8 }.map(String.init) }
        for secret in secrets where !secret.isEmpty {
            #expect(!failure.description.contains(secret), sourceLocation: sourceLocation)
        }
    }

    @Test func aValidProofPassesAndReturnsTheSignersThumbprint() async throws {
        let jkt = try await h.verify([try h.proof()])
        #expect(jkt == h.signer.jkt)
        #expect(jkt == JWKThumbprint.sha256(h.signer.publicJWK))
        #expect(jkt.utf8.count == 43)
    }

    @Test func theSameProofTwiceIsAReplay() async throws {
        let proof = try h.proof()
        _ = try await h.verify([proof])
        await expectRefusal([proof], .replayedDPoPProof)
        await expectRefusal([proof], .replayedDPoPProof, now: DPoPHarness.now + 30)
        // A new proof (new jti) of the same key passes.
        #expect(try await h.verify([try h.proof()]) == h.signer.jkt)
    }

    @Test func theMethodMustMatchExactly() async throws {
        await expectRefusal([try h.proof(method: "GET")], .invalidDPoPProof)
        await expectRefusal([try h.proof(method: "post")], .invalidDPoPProof)
        let failure = await h.refusal([try h.proof(method: "GET")])
        #expect(failure?.description.contains("htm") == true)
    }

    @Test func anotherURLIsRefused() async throws {
        for url in [
            "https://other.example.org/v1/chat/completions",  // other host
            "https://gateway.example.org/v1/embeddings",  // other path
            "http://gateway.example.org/v1/chat/completions",  // other scheme
            "https://gateway.example.org:8443/v1/chat/completions",  // other port
            "https://gateway.example.org/v1/chat/completions/",  // trailing slash
            "https://gateway.example.org/v1/Chat/completions",  // path case matters
            "https://user@gateway.example.org/v1/chat/completions",  // user information
            "gateway.example.org/v1/chat/completions",  // not absolute
        ] {
            await expectRefusal([try h.proof(url: url)], .invalidDPoPProof)
        }
        // The request path is what the proof must name, not merely a URL the gateway serves.
        await expectRefusal([try h.proof()], .invalidDPoPProof, path: "/v1/embeddings")
    }

    @Test func equivalentURLsAreAccepted() async throws {
        for url in [
            "HTTPS://Gateway.Example.ORG/v1/chat/completions",  // scheme and host case
            "https://gateway.example.org:443/v1/chat/completions",  // default port
            "https://gateway.example.org:/v1/chat/completions",  // empty port
            "https://gateway.example.org/v1/chat/%63ompletions",  // percent-encoded unreserved character
        ] {
            // htu query and fragment are ignored (the signer leaves them out; sign one by hand too).
            #expect(try await h.verify([try h.proof(url: url)]) == h.signer.jkt, "\(url)")
        }
        let withQuery = try h.signer.sign(header: h.signer.header, claims: h.claims([
            "htu": .string(DPoPHarness.url + "?stream=true#x"), "jti": "proof-q",
        ]))
        #expect(try await h.verify([withQuery], path: DPoPHarness.path + "?stream=true") == h.signer.jkt)
    }

    @Test func aPublicURLWithABasePathAndTrailingSlash() async throws {
        let h = try DPoPHarness { $0.publicURL = "https://Gateway.example.org:443/ai/" }
        #expect(try await h.verify([try h.proof(url: "https://gateway.example.org/ai/v1/chat/completions")]) == h.signer.jkt)
        await expectRefusal([try h.proof()], .invalidDPoPProof, harness: h)
    }

    @Test func staleAndFutureProofsAreRefused() async throws {
        let stale = await h.refusal([try h.proof(iat: DPoPHarness.now - 61)])
        #expect(stale?.reason == .invalidDPoPProof)
        #expect(stale?.description.contains("stale") == true)
        let future = await h.refusal([try h.proof(iat: DPoPHarness.now + 61)])
        #expect(future?.reason == .invalidDPoPProof)
        #expect(future?.description.contains("future") == true)
        // The window's edges are inside.
        _ = try await h.verify([try h.proof(iat: DPoPHarness.now - 60)])
        _ = try await h.verify([try h.proof(iat: DPoPHarness.now + 60)])
        let h10 = try DPoPHarness { $0.iatWindowSeconds = 10 }
        await expectRefusal([try h10.proof(iat: DPoPHarness.now - 11)], .invalidDPoPProof, harness: h10)
    }

    @Test func aProofSignedByAnotherKeyThanItsJWKIsRefused() async throws {
        let other = DPoPProofSigner()
        let forged = try other.sign(header: h.signer.header, claims: h.claims())
        let failure = await h.refusal([forged])
        #expect(failure?.reason == .invalidDPoPProof)
        #expect(failure?.description.contains("signature") == true)
        // A valid proof whose signature bytes were altered.
        var proof = try h.proof()
        let last = proof.removeLast()
        proof.append(last == "A" ? "B" : "A")
        await expectRefusal([proof], .invalidDPoPProof)
    }

    @Test func aJWKWithPrivateOrSymmetricKeyMaterialIsRefused() async throws {
        let privateScalar = b64([UInt8](repeating: 7, count: 32))
        for member in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            var jwk = h.signer.publicJWK.mapValues(JSONValue.string)
            jwk[member] = .string(privateScalar)
            var header = h.signer.header
            header["jwk"] = .object(jwk)
            await expectRefusal([try h.signer.sign(header: header, claims: h.claims())], .invalidDPoPProof)
        }
        var header = h.signer.header
        header["jwk"] = ["kty": "oct", "k": .string(privateScalar)]
        await expectRefusal([try h.signer.sign(header: header, claims: h.claims())], .invalidDPoPProof)
        header["jwk"] = nil
        await expectRefusal([try h.signer.sign(header: header, claims: h.claims())], .invalidDPoPProof)
        header["jwk"] = .string("not an object")
        await expectRefusal([try h.signer.sign(header: header, claims: h.claims())], .invalidDPoPProof)
    }

    @Test func theTypeMustBeDPoPJWT() async throws {
        for typ: JSONValue? in [nil, "JWT", "at+jwt", "dpop", .integer(1)] {
            var header = h.signer.header
            header["typ"] = typ
            await expectRefusal([try h.signer.sign(header: header, claims: h.claims())], .invalidDPoPProof)
        }
        for (i, typ) in ["DPoP+JWT", "application/dpop+jwt"].enumerated() {
            var header = h.signer.header
            header["typ"] = .string(typ)
            let proof = try h.signer.sign(header: header, claims: h.claims(["jti": .string("typ-\(i)")]))
            #expect(try await h.verify([proof]) == h.signer.jkt)
        }
    }

    @Test func algNoneHMACAndMismatchedAlgorithmsAreRefused() async throws {
        var header = h.signer.header
        header["alg"] = "none"
        await expectRefusal([compactJWS(header: header, claims: h.claims()) { _ in [] }], .invalidDPoPProof)
        header["alg"] = "HS256"
        let hmacKey = SymmetricKey(data: Array(h.signer.publicJWK["x"]!.utf8))
        await expectRefusal([compactJWS(header: header, claims: h.claims()) { Array(HMAC<SHA256>.authenticationCode(for: $0, using: hmacKey)) }],
                            .invalidDPoPProof)
        // A P-256 key cannot be used with ES384 or RS256, whatever the proof says.
        for alg: JSONValue in ["ES384", "RS256", "EdDSA"] {
            header["alg"] = alg
            await expectRefusal([try h.signer.sign(header: header, claims: h.claims())], .invalidDPoPProof)
        }
        // An algorithm the configuration leaves out.
        let edOnly = try DPoPHarness { $0.algorithms = ["EdDSA"] }
        await expectRefusal([try edOnly.proof()], .invalidDPoPProof, harness: edOnly)
    }

    @Test func aCriticalHeaderExtensionIsRefused() async throws {
        var header = h.signer.header
        header["crit"] = ["exp"]
        await expectRefusal([try h.signer.sign(header: header, claims: h.claims())], .invalidDPoPProof)
    }

    @Test func theAccessTokenHashIsRequiredAndMustMatch() async throws {
        await expectRefusal([try h.proof(accessToken: nil)], .invalidDPoPProof)
        await expectRefusal([try h.proof(accessToken: "another.access.token")], .invalidDPoPProof)
        await expectRefusal([try h.proof()], .invalidDPoPProof, accessToken: "another.access.token")
        let ath = await h.refusal([try h.proof(accessToken: nil)])
        #expect(ath?.description.contains("ath") == true)
    }

    @Test func exactlyOneProofOfAtMost8KB() async throws {
        await expectRefusal([], .invalidDPoPProof)
        await expectRefusal([try h.proof(), try h.proof()], .invalidDPoPProof)
        let padding = String(repeating: "a", count: 6_200)
        let large = try h.signer.sign(header: h.signer.header, claims: h.claims(["pad": .string(padding)]))
        #expect(large.utf8.count > 8 * 1024)
        await expectRefusal([large], .invalidDPoPProof)
        await expectRefusal(["not-a-jwt"], .invalidDPoPProof)
        await expectRefusal([""], .invalidDPoPProof)
    }

    @Test func malformedClaimsAreRefused() async throws {
        let cases: [([String: JSONValue], [String])] = [
            ([:], ["jti"]), (["jti": ""], []), (["jti": .string(String(repeating: "j", count: 513))], []),
            (["jti": .integer(1)], []), ([:], ["htm"]), ([:], ["htu"]), ([:], ["iat"]),
            (["iat": .string("1800000000")], []), (["ath": .integer(1)], []), (["nonce": .bool(true)], []),
        ]
        for (extra, removing) in cases {
            await expectRefusal([try h.signer.sign(header: h.signer.header, claims: h.claims(extra, removing: removing))],
                                .invalidDPoPProof)
        }
    }

    @Test func anEd25519ProofIsAccepted() async throws {
        let key = Curve25519.Signing.PrivateKey()
        let jwk: [String: String] = ["kty": "OKP", "crv": "Ed25519", "x": b64(key.publicKey.rawRepresentation)]
        let header: [String: JSONValue] = ["typ": "dpop+jwt", "alg": "EdDSA", "jwk": .object(jwk.mapValues(JSONValue.string))]
        let proof = try compactJWS(header: header, claims: h.claims()) { Array(try key.signature(for: $0)) }
        #expect(try await h.verify([proof]) == JWKThumbprint.sha256(jwk))
        // The same key claiming ES256 is refused.
        var es = header
        es["alg"] = "ES256"
        await expectRefusal([try compactJWS(header: es, claims: h.claims(["jti": "p2"])) { Array(try key.signature(for: $0)) }],
                            .invalidDPoPProof)
    }

    @Test func anRSAProofNeedsAtLeast2048Bits() async throws {
        let key = sharedRSA
        let primitives = try key.publicKey.getKeyPrimitives()
        let jwk: [String: String] = ["kty": "RSA", "n": b64(primitives.modulus), "e": b64(primitives.publicExponent)]
        let header: [String: JSONValue] = ["typ": "dpop+jwt", "alg": "PS256", "jwk": .object(jwk.mapValues(JSONValue.string))]
        let proof = try compactJWS(header: header, claims: h.claims()) {
            Array(try key.signature(for: $0, padding: .PSS).rawRepresentation)
        }
        #expect(try await h.verify([proof]) == JWKThumbprint.sha256(jwk))
        // The same key with RS256 (its verifier is another one than PS256's), and a PKCS#1 signature labelled PS256.
        var rs = header
        rs["alg"] = "RS256"
        let rsProof = try compactJWS(header: rs, claims: h.claims(["jti": "p-rs"])) {
            Array(try key.signature(for: $0, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
        #expect(try await h.verify([rsProof]) == JWKThumbprint.sha256(jwk))
        let relabelled = try compactJWS(header: header, claims: h.claims(["jti": "p-ps"])) {
            Array(try key.signature(for: $0, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
        await expectRefusal([relabelled], .invalidDPoPProof)
        var short = header
        short["jwk"] = ["kty": "RSA", "n": .string(b64([0xC1] + [UInt8](repeating: 0x5A, count: 127))), "e": "AQAB"]
        await expectRefusal([compactJWS(header: short, claims: h.claims(["jti": "p2"])) { _ in [UInt8](repeating: 1, count: 128) }],
                            .invalidDPoPProof)
    }

    @Test func theKeysVerifierIsReusedButEverySignatureChecked() async throws {
        _ = try await h.verify([try h.proof()])
        _ = try await h.verify([try h.proof()])
        let forged = try DPoPProofSigner().sign(header: h.signer.header, claims: h.claims())
        await expectRefusal([forged], .invalidDPoPProof)
    }
}
