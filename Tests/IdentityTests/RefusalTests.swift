import Core
import Crypto
import Foundation
import JWTKit
import Testing

@testable import Identity

/// Every RFC 8725 attack and every malformed credential from issue 3 is tried and must be refused
/// with the documented reason; the description must never echo the token.
@Suite struct RefusalTests {
    let ec: TestKey
    let rsa: TestKey
    let h: Harness

    init() async throws {
        ec = try await TestKey.es256()
        rsa = try await TestKey.rsa()
        h = try Harness(keys: [ec, rsa])
    }

    func expectRefusal(_ token: String, _ reason: AuthenticationFailure.Reason,
                       sourceLocation: SourceLocation = #_sourceLocation) async {
        let failure = await h.refusal(token)
        #expect(failure?.reason == reason, sourceLocation: sourceLocation)
        if let failure {
            #expect(!failure.description.contains(token), sourceLocation: sourceLocation)
            #expect(!failure.description.contains("\""), sourceLocation: sourceLocation)
            for part in token.split(separator: ".") where part.count > 8 {
                #expect(!failure.description.contains(part), sourceLocation: sourceLocation)
            }
        }
    }

    func segment(_ json: [String: JSONValue]) -> String {
        b64(try! JSONEncoder().encode(JSONValue.object(json)))
    }

    @Test func validTokensAreAcceptedWithBothDefaultAlgorithms() async throws {
        let p1 = try await h.authenticate(try ec.sign(h.claims()))
        let p2 = try await h.authenticate(try rsa.sign(h.claims()))
        #expect(p1.id == "\(Harness.issuer)#alice")
        #expect(p2.subject == "alice")
        #expect(p1.kind == .user)
    }

    @Test func algNoneIsRefused() async throws {
        let header = segment(["alg": .string("none"), "typ": .string("JWT")])
        await expectRefusal(header + "." + segment(h.claims()) + ".", .unsupportedAlgorithm)
        let withSignature = header + "." + segment(h.claims()) + "." + b64(Array("x".utf8))
        await expectRefusal(withSignature, .unsupportedAlgorithm)
        let mixedCase = segment(["alg": .string("nOnE")]) + "." + segment(h.claims()) + "." + b64([1])
        await expectRefusal(mixedCase, .unsupportedAlgorithm)
    }

    @Test func hs256SignedWithTheIssuersRSAPublicKeyIsRefused() async throws {
        // Algorithm confusion: the attacker uses the published RSA public key as an HMAC secret.
        let publicPEM = try JWTKit.Insecure.RSA.PrivateKey(backing: sharedRSA).publicKey.pemRepresentation
        for secret in [Array(publicPEM.utf8), Array(Base64URL.decode(rsa.publicJWK["n"]!)!)] {
            let input = segment(["alg": .string("HS256"), "kid": .string(rsa.kid)]) + "." + segment(h.claims())
            let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
            await expectRefusal(input + "." + b64(Array(mac)), .unsupportedAlgorithm)
        }
    }

    @Test func hmacAlgorithmsCannotBeConfigured() throws {
        let json = #"{"name":"x","issuer":"https://idp.example","audiences":["a"],"algorithms":["RS256","HS256"]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IssuerConfiguration.self, from: Data(json.utf8)) }
    }

    @Test func kidWithPathTraversalIsRefused() async throws {
        for kid in ["../../../../dev/null", "/etc/passwd", "..%2f..%2fkeys", "keys/../secret"] {
            await expectRefusal(try ec.sign(h.claims(), header: ["kid": .string(kid)]), .invalidKeyID)
        }
        #expect(h.source.fetches == 0)
    }

    @Test func kidWithSQLIsRefused() async throws {
        for kid in ["' OR '1'='1", "x'; DROP TABLE keys; --", "1 UNION SELECT key FROM secrets"] {
            await expectRefusal(try ec.sign(h.claims(), header: ["kid": .string(kid)]), .invalidKeyID)
        }
        await expectRefusal(try ec.sign(h.claims(), header: ["kid": .integer(1)]), .invalidKeyID)
        await expectRefusal(try ec.sign(h.claims(), header: ["kid": .string(String(repeating: "a", count: 300))]), .invalidKeyID)
    }

    @Test func jkuX5uAndEmbeddedJWKHeadersAreIgnored() async throws {
        // The attacker signs with their own key and points at it; the token must still be checked
        // against the issuer's JWKS only, and nothing is fetched from the header's URL.
        let attacker = try await TestKey.es256(kid: "attacker")
        let headers: [[String: JSONValue]] = [
            ["jku": .string("https://evil.example/jwks.json")],
            ["x5u": .string("https://evil.example/cert.pem")],
            ["jwk": .object(attacker.publicJWK.mapValues(JSONValue.string))],
        ]
        for header in headers {
            // Own kid: unknown to the issuer (one throttled refetch of the configured JWKS at most).
            await expectRefusal(try attacker.sign(h.claims(), header: header), .unknownKey)
            // The issuer's kid: the signature does not match the issuer's key.
            var spoofed = header
            spoofed["kid"] = .string(ec.kid)
            await expectRefusal(try attacker.sign(h.claims(), header: spoofed), .invalidSignature)
        }
        // First load + one refetch of the configured JWKS for the unknown kid. (This source has no network, so
        // it cannot show that header URLs are not fetched: tests/e2e/test_issuers.py points jku/x5u at a local
        // listener that records every request and checks that none reaches it.)
        #expect(h.source.fetches <= 2)
    }

    @Test func expiredTokenIsRefusedBeyondClockSkew() async throws {
        await expectRefusal(try ec.sign(h.claims(["exp": .integer(h.now - 61)])), .expired)
        // Within the default 60 s skew it is still accepted.
        _ = try await h.authenticate(try ec.sign(h.claims(["exp": .integer(h.now - 30)])))
        await expectRefusal(try ec.sign(h.claims(["exp": .string("tomorrow")])), .malformedToken)
    }

    @Test func notBeforeInTheFutureIsRefused() async throws {
        await expectRefusal(try ec.sign(h.claims(["nbf": .integer(h.now + 120)])), .notYetValid)
        _ = try await h.authenticate(try ec.sign(h.claims(["nbf": .integer(h.now + 30)])))
    }

    @Test func issuedInTheFutureAndTooOldAreRefused() async throws {
        await expectRefusal(try ec.sign(h.claims(["iat": .integer(h.now + 3600)])), .issuedInFuture)
        let strict = try Harness(keys: [ec]) { $0.maxTokenAgeSeconds = 600 }
        let old = try ec.sign(strict.claims(["iat": .integer(strict.now - 3600), "exp": .integer(strict.now + 60)]))
        #expect(await strict.refusal(old)?.reason == .tooOld)
        #expect(await strict.refusal(try ec.sign(strict.claims(removing: ["iat"])))?.reason == .missingClaim)
    }

    @Test func wrongIssuerIsRefused() async throws {
        await expectRefusal(try ec.sign(h.claims(["iss": .string("https://evil.example")])), .untrustedIssuer)
        await expectRefusal(try ec.sign(h.claims(["iss": .string(Harness.issuer + "/")])), .untrustedIssuer)
        await expectRefusal(try ec.sign(h.claims(removing: ["iss"])), .untrustedIssuer)
    }

    @Test func wrongAudienceIsRefused() async throws {
        await expectRefusal(try ec.sign(h.claims(["aud": .string("api://other")])), .invalidAudience)
        await expectRefusal(try ec.sign(h.claims(["aud": .array([.string("a"), .string("b")])])), .invalidAudience)
        await expectRefusal(try ec.sign(h.claims(removing: ["aud"])), .invalidAudience)
        _ = try await h.authenticate(try ec.sign(h.claims(["aud": .array([.string("x"), .string(Harness.audience)])])))
    }

    @Test func missingExpirationIsRefused() async throws {
        await expectRefusal(try ec.sign(h.claims(removing: ["exp"])), .missingExpiration)
    }

    @Test func strippedOrAlteredSignatureIsRefused() async throws {
        let token = try rsa.sign(h.claims())
        let parts = token.split(separator: ".").map(String.init)
        await expectRefusal(parts[0] + "." + parts[1] + ".", .invalidSignature)
        var sig = Array(Base64URL.decode(parts[2])!)
        sig[10] ^= 0x01
        await expectRefusal(parts[0] + "." + parts[1] + "." + b64(sig), .invalidSignature)
        let ecToken = try ec.sign(h.claims()).split(separator: ".").map(String.init)
        await expectRefusal(ecToken[0] + "." + ecToken[1] + "." + b64(Array(repeating: UInt8(0), count: 64)), .invalidSignature)
    }

    @Test func alteredPayloadIsRefused() async throws {
        let parts = try ec.sign(h.claims()).split(separator: ".").map(String.init)
        let forged = segment(h.claims(["sub": .string("admin"), "groups": .array([.string("admins")])]))
        await expectRefusal(parts[0] + "." + forged + "." + parts[2], .invalidSignature)
        // Header swapped to another algorithm with the same signature.
        let swapped = segment(["alg": .string("RS256"), "kid": .string(ec.kid)])
        await expectRefusal(swapped + "." + parts[1] + "." + parts[2], .unsupportedAlgorithm)
    }

    @Test func tokenOver16KBIsRefusedBeforeParsing() async throws {
        let big = try ec.sign(h.claims(["pad": .string(String(repeating: "x", count: 17_000))]))
        await expectRefusal(big, .tokenTooLarge)
        #expect(h.source.fetches == 0)  // nothing looked up or fetched
        let garbage = String(repeating: "A", count: 20_000)
        await expectRefusal(garbage, .tokenTooLarge)
    }

    @Test func malformedBase64OrJSONIsRefused() async throws {
        let good = try ec.sign(h.claims()).split(separator: ".").map(String.init)
        await expectRefusal("not-a-jwt", .malformedToken)
        await expectRefusal(good[0] + "." + good[1], .malformedToken)
        await expectRefusal(good[0] + "=." + good[1] + "." + good[2], .malformedToken)  // padding
        await expectRefusal(good[0] + "." + good[1] + "*." + good[2], .malformedToken)  // alphabet
        await expectRefusal(b64(Array("{not json".utf8)) + "." + good[1] + "." + good[2], .malformedToken)
        await expectRefusal(good[0] + "." + b64(Array("[1,2]".utf8)) + "." + good[2], .malformedToken)
        await expectRefusal(segment(["typ": .string("JWT")]) + "." + good[1] + "." + good[2], .malformedToken)
        await expectRefusal([good[0], good[1], "a", "b", "c"].joined(separator: "."), .malformedToken)  // JWE
        // Duplicate claim names, validly signed: refused rather than letting one reader see "alice", another "admin".
        let duplicate = #"{"iss":"\#(Harness.issuer)","aud":"\#(Harness.audience)","exp":\#(h.now + 60),"sub":"alice","sub":"admin"}"#
        let input = segment(["alg": .string("ES256"), "kid": .string(ec.kid)]) + "." + b64(Array(duplicate.utf8))
        await expectRefusal(input + "." + b64(try ec.signer.sign(Array(input.utf8))), .malformedToken)
    }

    @Test func idTokenWhereAccessTokenRequiredIsRefused() async throws {
        let idToken = h.claims(["nonce": .string("n-0S6_WzA2Mj"), "at_hash": .string("77QmUPtjPfzWtF2AnpK9RQ")],
                               removing: ["scope"])
        await expectRefusal(try ec.sign(idToken, header: ["typ": .string("JWT")]), .wrongTokenType)
        await expectRefusal(try ec.sign(h.claims(["typ": .string("ID")])), .wrongTokenType)  // Keycloak
        await expectRefusal(try ec.sign(h.claims(["token_use": .string("id")])), .wrongTokenType)  // Cognito
        let typed = try Harness(keys: [ec]) { $0.requireAccessTokenTyp = true }
        #expect(await typed.refusal(try ec.sign(typed.claims(), header: ["typ": .string("JWT")]))?.reason == .wrongTokenType)
        _ = try await typed.authenticate(try ec.sign(typed.claims()))
        let lenient = try Harness(keys: [ec]) { $0.acceptIDTokens = true }
        _ = try await lenient.authenticate(try ec.sign(lenient.claims(["nonce": .string("n")], removing: ["scope"])))
    }

    @Test func criticalHeaderExtensionsAreRefused() async throws {
        await expectRefusal(try ec.sign(h.claims(), header: ["crit": .array([.string("exp")]), "exp": .integer(1)]), .unsupportedHeader)
    }

    @Test func requiredClaimsAreEnforced() async throws {
        let strict = try Harness(keys: [ec]) { $0.requiredClaims = ["tid", "/realm_access/roles"] }
        #expect(await strict.refusal(try ec.sign(strict.claims(["tid": .string("t")])))?.reason == .missingClaim)
        _ = try await strict.authenticate(try ec.sign(strict.claims([
            "tid": .string("t"), "realm_access": .object(["roles": .array([.string("r")])]),
        ])))
    }

    @Test func algorithmNotConfiguredForTheIssuerIsRefused() async throws {
        let ps = try await TestKey.rsa(kid: "ps-1", alg: "PS256")
        let rsOnly = try Harness(keys: [ps]) { $0.algorithms = ["RS256"] }
        #expect(await rsOnly.refusal(try ps.sign(rsOnly.claims()))?.reason == .unsupportedAlgorithm)
    }

    @Test func missingSubjectIsRefused() async throws {
        await expectRefusal(try ec.sign(h.claims(removing: ["sub"])), .missingSubject)
    }

    @Test func credentialShapes() async throws {
        let token = try ec.sign(h.claims())
        func reason(_ c: Credentials) async -> AuthenticationFailure.Reason? {
            do { _ = try await h.verifier.authenticate(c); return nil } catch { return error.reason }
        }
        #expect(await reason(Credentials()) == .missingCredentials)
        #expect(await reason(Credentials(authorization: "Basic YWxpY2U6cHc=")) == .malformedCredentials)
        #expect(await reason(Credentials(authorization: "Bearer")) == .malformedCredentials)
        #expect(await reason(Credentials(authorization: "Bearer " + token, apiKeyHeader: "sk-other")) == .malformedCredentials)
        #expect(await reason(Credentials(authorization: "bearer  " + token)) == nil)
        #expect(await reason(Credentials(apiKeyHeader: token)) == nil)
        #expect(await reason(Credentials(authorization: "Bearer sk-proj-1234567890")) == .malformedToken)
        #expect(AuthenticationFailure(.missingCredentials).bearerErrorCode == nil)
        #expect(AuthenticationFailure(.expired).bearerErrorCode == "invalid_token")
    }
}
