import Core
import Foundation
import Testing

@testable import Identity

/// The verified-token cache may only ever give the answer a full verification would give.
@Suite struct VerifiedTokenCacheTests {
    @Test func aRepeatedTokenIsServedFromTheCache() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        let token = try ec.sign(h.claims())
        let first = try await h.authenticate(token)
        #expect(h.verifier.tokenCache?.count == 1)
        let second = try await h.authenticate(token)
        #expect(first == second)
        #expect(h.verifier.tokenCache?.count == 1)
        // Off when configured so.
        let off = try Harness(keys: [ec], identity: { $0.tokenCacheEntries = 0 })
        _ = try await off.authenticate(try ec.sign(off.claims()))
        #expect(off.verifier.tokenCache == nil)
    }

    @Test func expiryIsHonouredOnAHit() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        let token = try ec.sign(h.claims(["exp": .integer(h.now + 100)]))
        _ = try await h.authenticate(token)
        h.clock.advance(100 + 59)  // within the 60 s skew
        _ = try await h.authenticate(token)
        h.clock.advance(2)
        #expect(await h.refusal(token)?.reason == .expired)
        #expect(await h.refusal(token)?.reason == .expired)
    }

    @Test func maximumAgeIsHonouredOnAHit() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec]) { $0.maxTokenAgeSeconds = 120 }
        let token = try ec.sign(h.claims(["iat": .integer(h.now), "exp": .integer(h.now + 3600)]))
        _ = try await h.authenticate(token)
        h.clock.advance(170)
        _ = try await h.authenticate(token)
        h.clock.advance(20)
        #expect(await h.refusal(token)?.reason == .tooOld)
    }

    @Test func aClockGoingBackBeforeNotBeforeMisses() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        let token = try ec.sign(h.claims(["nbf": .integer(h.now), "iat": .integer(h.now)]))
        _ = try await h.authenticate(token)
        h.clock.advance(-120)
        #expect(await h.refusal(token)?.reason == .notYetValid)
    }

    @Test func removingTheKeyInvalidatesCachedTokens() async throws {
        let old = try await TestKey.es256(kid: "old")
        let new = try await TestKey.es256(kid: "new")
        let h = try Harness(keys: [old, new])
        await h.verifier.loadKeys()
        let token = try old.sign(h.claims())
        _ = try await h.authenticate(token)
        #expect(h.verifier.tokenCache?.count == 1)
        // The IdP withdraws the key (compromise); the next refresh drops every remembered verification.
        h.source.serve(jwks([new.jwk()]))
        _ = await h.verifier.refreshAll()
        #expect(h.verifier.tokenCache?.count == 0)
        #expect(await h.refusal(token)?.reason == .unknownKey)
    }

    @Test func anUnchangedKeySetKeepsTheCache() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        await h.verifier.loadKeys()
        _ = try await h.authenticate(try ec.sign(h.claims()))
        _ = await h.verifier.refreshAll()
        #expect(h.verifier.tokenCache?.count == 1)
    }

    @Test func staleKeysStopCachedTokensToo() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec]) { $0.jwksMaxStalenessSeconds = 600 }
        await h.verifier.loadKeys()
        let token = try ec.sign(h.claims(["exp": .integer(h.now + 7200)]))
        _ = try await h.authenticate(token)
        h.source.setFailing(true)
        h.clock.advance(601)
        #expect(await h.refusal(token)?.reason == .keysUnavailable)
    }

    @Test func aModifiedTokenNeverHits() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec])
        let token = try ec.sign(h.claims())
        _ = try await h.authenticate(token)
        let parts = token.split(separator: ".").map(String.init)
        // Another payload with the cached token's signature; the cached header with another signature.
        let otherPayload = b64(Array(#"{"iss":"\#(Harness.issuer)","sub":"mallory","aud":"\#(Harness.audience)","exp":\#(h.now + 300),"scope":"llm"}"#.utf8))
        #expect(await h.refusal([parts[0], otherPayload, parts[2]].joined(separator: "."))?.reason == .invalidSignature)
        var signature = Array(parts[2])
        signature[4] = signature[4] == "A" ? "B" : "A"
        #expect(await h.refusal([parts[0], parts[1], String(signature)].joined(separator: "."))?.reason == .invalidSignature)
        // Whitespace around the token is not part of it (the same token), anything else is another token.
        _ = try await h.verifier.authenticate(Credentials(authorization: "Bearer  \(token) "))
        #expect(await h.refusal(token + ".")?.reason == .malformedToken)
        #expect(h.verifier.tokenCache?.count == 1)
    }

    @Test func theCacheIsBounded() async throws {
        let ec = try await TestKey.es256()
        let h = try Harness(keys: [ec], identity: { $0.tokenCacheEntries = 8 })
        for i in 0..<50 { _ = try await h.authenticate(try ec.sign(h.claims(["jti": .string("t\(i)")]))) }
        #expect(h.verifier.tokenCache?.count == 8)
    }
}
