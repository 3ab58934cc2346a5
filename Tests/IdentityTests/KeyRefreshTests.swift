import Core
import Foundation
import Testing

@testable import Identity

/// JWKS caching: no fetch per request, throttled refetch for unknown kids, rotation, staleness, Cache-Control.
@Suite struct KeyRefreshTests {
    @Test func keysAreFetchedOnceAndCached() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        #expect(h.verifier.readiness() == false)
        for _ in 0..<20 { _ = try await h.authenticate(try ec.sign(h.claims())) }
        #expect(h.source.fetches == 1)
        #expect(h.verifier.readiness())
        #expect(h.verifier.loadedKeyIDs() == ["staff": ["ec-1"]])
    }

    @Test func unknownKidRefetchesAtMostOncePer30Seconds() async throws {
        let ec = try await TestKey.es256()
        let forger = try await TestKey.es256(kid: "forged")
        let h = try Harness(keys: [ec])
        #expect(await h.verifier.loadKeys())  // as at start-up, before traffic
        _ = try await h.authenticate(try ec.sign(h.claims()))
        #expect(h.source.fetches == 1)
        for i in 0..<50 {
            let token = try forger.sign(h.claims(), header: ["kid": .string("forged-\(i)")])
            #expect(await h.refusal(token)?.reason == .unknownKey)
        }
        #expect(h.source.fetches == 2)  // one refetch for the whole flood
        h.clock.advance(29)
        #expect(await h.refusal(try forger.sign(h.claims()))?.reason == .unknownKey)
        #expect(h.source.fetches == 2)
        h.clock.advance(2)
        #expect(await h.refusal(try forger.sign(h.claims()))?.reason == .unknownKey)
        #expect(h.source.fetches == 3)
    }

    @Test func concurrentUnknownKidsShareOneFetch() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        await h.verifier.loadKeys()
        let forger = try await TestKey.es256(kid: "forged")
        let token = try forger.sign(h.claims())
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<32 { group.addTask { _ = await h.refusal(token) } }
        }
        #expect(h.source.fetches == 2)
    }

    @Test func rotationIsFollowedWithoutRestart() async throws {
        let old = try await TestKey.es256(kid: "2025")
        let new = try await TestKey.es256(kid: "2026")
        let h = try Harness(keys: [old])
        await h.verifier.loadKeys()
        _ = try await h.authenticate(try old.sign(h.claims()))
        // The IdP publishes the new key next to the old one and starts signing with it.
        h.source.serve(jwks([new.jwk(), old.jwk()]))
        let p = try await h.authenticate(try new.sign(h.claims(["sub": .string("bob")])))
        #expect(p.subject == "bob")
        _ = try await h.authenticate(try old.sign(h.claims()))
        // Later the old key is withdrawn: after the next refresh its tokens are refused.
        h.source.serve(jwks([new.jwk()]))
        _ = await h.verifier.refreshAll()
        #expect(await h.refusal(try old.sign(h.claims()))?.reason == .unknownKey)
        _ = try await h.authenticate(try new.sign(h.claims()))
    }

    @Test func lastGoodKeysServeUpToTheConfiguredStaleness() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec]) { $0.jwksMaxStalenessSeconds = 3600 }
        _ = try await h.authenticate(try ec.sign(h.claims()))
        h.source.setFailing(true)
        h.clock.advance(3000)
        _ = await h.verifier.refreshAll()  // fails, keeps the last good keys
        _ = try await h.authenticate(try ec.sign(h.claims()))
        #expect(h.verifier.readiness())
        h.clock.advance(601)
        #expect(await h.refusal(try ec.sign(h.claims()))?.reason == .keysUnavailable)
        #expect(h.verifier.readiness() == false)
        // The IdP comes back: the next (throttled) fetch restores service.
        h.source.setFailing(false)
        h.clock.advance(31)
        _ = try await h.authenticate(try ec.sign(h.claims()))
    }

    @Test func unreachableIdPAtStartRefusesAndNeverAcceptsUnverified() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        h.source.setFailing(true)
        #expect(await h.refusal(try ec.sign(h.claims()))?.reason == .keysUnavailable)
        #expect(h.verifier.readiness() == false)
    }

    @Test func refreshIntervalFollowsCacheControl() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec]) { $0.jwksRefreshSeconds = 3600 }
        h.source.serve(jwks([ec.jwk()]), maxAge: 600)
        #expect(await h.verifier.refreshAll() == [600])
        h.source.serve(jwks([ec.jwk()]), maxAge: 5)
        #expect(await h.verifier.refreshAll() == [60])  // floor
        h.source.serve(jwks([ec.jwk()]), maxAge: 86_400)
        #expect(await h.verifier.refreshAll() == [3600])  // ceiling
        h.source.serve(jwks([ec.jwk()]), maxAge: nil)
        #expect(await h.verifier.refreshAll() == [3600])
        h.source.setFailing(true)
        #expect(await h.verifier.refreshAll() == [5])  // back-off starts at 5 s
        #expect(await h.verifier.refreshAll() == [10])
        #expect(JWKSLocation.maxAge(cacheControl: "public, max-age=300, must-revalidate") == 300)
        #expect(JWKSLocation.maxAge(cacheControl: "no-store") == 0)
        #expect(JWKSLocation.maxAge(cacheControl: nil) == nil)
    }

    @Test func unsafeJWKSEntriesAreSkipped() async throws {
        let ec = try await TestKey.es256()
        let rsa = try await TestKey.rsa()
        var leaked = ec.jwk()
        leaked["d"] = "c2VjcmV0"
        var short = rsa.jwk()
        short["n"] = b64(Array(Base64URL.decode(rsa.publicJWK["n"]!)!.prefix(128)))
        let hmac = ["kty": "oct", "k": "c2VjcmV0", "kid": "hs", "alg": "HS256"]
        let keys = try await VerificationKeys.load(
            jwks: Data(jwks([leaked, short, hmac]).utf8), allowedAlgorithms: ["RS256", "ES256", "HS256"])
        #expect(keys.isEmpty)
        #expect(keys.skipped.count == 3)
        #expect(!keys.skipped.joined().contains("c2VjcmV0"))
    }

    @Test func keyWithDeclaredAlgIsUsedOnlyWithThatAlg() async throws {
        let rsa = try await TestKey.rsa(kid: "k")
        let keys = try await VerificationKeys.load(
            jwks: Data(jwks([rsa.jwk()]).utf8), allowedAlgorithms: ["RS256", "PS256"])
        #expect(keys.verifiers(keyID: "k", algorithm: "RS256").count == 1)
        #expect(keys.verifiers(keyID: "k", algorithm: "PS256").isEmpty)
        let open = try await VerificationKeys.load(
            jwks: Data(jwks([rsa.jwk(withAlg: false)]).utf8), allowedAlgorithms: ["RS256", "PS256"])
        #expect(open.verifiers(keyID: "k", algorithm: "PS256").count == 1)
    }

    @Test func pss256AndEdDSAAreSupported() async throws {
        let ps = try await TestKey.rsa(kid: "ps", alg: "PS256")
        let ed = try await TestKey.eddsa()
        let h = try Harness(keys: [ps, ed])
        _ = try await h.authenticate(try ps.sign(h.claims()))
        _ = try await h.authenticate(try ed.sign(h.claims()))
    }

    @Test func tokenWithoutKidUsesTheOnlyMatchingKey() async throws {
        let ec = try await TestKey.es256()
        let rsa = try await TestKey.rsa()
        let h = try Harness(keys: [ec, rsa])
        var header: [String: JSONValue] = ["alg": .string("ES256")]
        let token = try DevelopmentIssuer.sign(header: header, claims: h.claims(), with: ec.signer)
        _ = try await h.authenticate(token)
        header["alg"] = .string("RS256")
        _ = try await h.authenticate(try DevelopmentIssuer.sign(header: header, claims: h.claims(), with: rsa.signer))
    }
}
