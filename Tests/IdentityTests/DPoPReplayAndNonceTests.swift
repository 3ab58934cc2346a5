import Core
import Crypto
import Foundation
import Testing

@testable import Identity

/// The replay cache's fail-closed bound and the stateless nonces, alone and through the verifier.
@Suite struct DPoPReplayAndNonceTests {
    let now = DPoPHarness.now

    func digest(_ i: Int) -> [UInt8] { DPoPReplayCache.digest(thumbprint: "jkt", jti: "jti-\(i)") }

    @Test func aDigestIsFirstUsedOnceUntilItExpires() async {
        let cache = DPoPReplayCache(capacity: 10)
        #expect(await cache.firstUse(digest(1), expiresAt: now + 60, now: now))
        #expect(await !cache.firstUse(digest(1), expiresAt: now + 60, now: now + 10))
        #expect(await !cache.firstUse(digest(1), expiresAt: now + 60, now: now + 60))
        // After its expiry the proof itself is stale; the entry no longer blocks the digest.
        #expect(await cache.firstUse(digest(1), expiresAt: now + 200, now: now + 61))
        // Digests of the same jti under another key are different.
        #expect(DPoPReplayCache.digest(thumbprint: "a", jti: "x") != DPoPReplayCache.digest(thumbprint: "b", jti: "x"))
        #expect(DPoPReplayCache.digest(thumbprint: "a", jti: "bc") != DPoPReplayCache.digest(thumbprint: "ab", jti: "c"))
    }

    @Test func aCacheFullOfLiveEntriesRefusesInsteadOfForgetting() async {
        let cache = DPoPReplayCache(capacity: 3)
        for i in 0..<3 { #expect(await cache.firstUse(digest(i), expiresAt: now + 60, now: now)) }
        // Full, nothing expired: a new proof is refused, and no held proof was forgotten.
        #expect(await !cache.firstUse(digest(3), expiresAt: now + 60, now: now + 1))
        for i in 0..<3 { #expect(await !cache.firstUse(digest(i), expiresAt: now + 60, now: now + 1)) }
        #expect(cache.count == 3)
    }

    @Test func expiredEntriesMakeRoom() async {
        let cache = DPoPReplayCache(capacity: 3)
        #expect(await cache.firstUse(digest(0), expiresAt: now + 10, now: now))
        #expect(await cache.firstUse(digest(1), expiresAt: now + 10, now: now))
        #expect(await cache.firstUse(digest(2), expiresAt: now + 60, now: now))
        #expect(await cache.firstUse(digest(3), expiresAt: now + 70, now: now + 11))
        #expect(await cache.firstUse(digest(4), expiresAt: now + 70, now: now + 11))
        #expect(cache.count == 3)
        // The live ones are still held.
        #expect(await !cache.firstUse(digest(2), expiresAt: now + 60, now: now + 12))
        #expect(await !cache.firstUse(digest(3), expiresAt: now + 70, now: now + 12))
        #expect(await !cache.firstUse(digest(5), expiresAt: now + 70, now: now + 12))
    }

    @Test func theVerifierRefusesNewProofsWhenItsReplayCacheIsFullOfLiveOnes() async throws {
        let h = try DPoPHarness { $0.replayCacheEntries = 2 }
        _ = try await h.verify([try h.proof()])
        _ = try await h.verify([try h.proof()])
        let full = await h.refusal([try h.proof()])
        #expect(full?.reason == .replayedDPoPProof)
        // Once the first proofs' window has passed, new proofs are accepted again.
        let later = now + 61
        #expect(try await h.verify([try h.proof(iat: later)], now: later) == h.signer.jkt)
    }

    @Test func aNonceIsAcceptedInItsSlotAndTheNext() {
        let nonces = DPoPNonces(key: SymmetricKey(size: .bits256), lifetimeSeconds: 300)
        let nonce = nonces.current(now: now)
        #expect(nonce.utf8.count == 32)
        #expect(nonces.accepts(nonce, now: now))
        #expect(nonces.accepts(nonce, now: now + 300))
        #expect(!nonces.accepts(nonce, now: now + 600))
        #expect(!nonces.accepts(nonce, now: now - 300))  // a slot from the future
        #expect(nonces.current(now: now + 300) != nonce)
        // Another key's nonce, and altered nonces, are refused.
        let other = DPoPNonces(key: SymmetricKey(size: .bits256), lifetimeSeconds: 300)
        #expect(!other.accepts(nonce, now: now))
        var bytes = Base64URL.decode(nonce)!
        bytes[23] ^= 1
        #expect(!nonces.accepts(b64(bytes), now: now))
        #expect(!nonces.accepts("", now: now))
        #expect(!nonces.accepts(nonce + "A", now: now))
    }

    @Test func aRequiredNonceMustBePresentAndCurrent() async throws {
        let h = try DPoPHarness { $0.requireNonce = true }
        let missing = await h.refusal([try h.proof()])
        #expect(missing?.reason == .dpopNonceRequired)
        #expect(missing?.description.contains("nonce") == true)
        let nonce = h.verifier.currentNonce(now: now)
        #expect(try await h.verify([try h.proof(nonce: nonce)]) == h.signer.jkt)
        // The previous slot's nonce still passes; an older one does not.
        let previous = h.verifier.currentNonce(now: now - 300)
        #expect(try await h.verify([try h.proof(nonce: previous)]) == h.signer.jkt)
        let old = h.verifier.currentNonce(now: now - 600)
        #expect(await h.refusal([try h.proof(nonce: old)])?.reason == .dpopNonceRequired)
        // A nonce of another gateway key (another process without a shared nonce_key).
        let other = try DPoPHarness { $0.requireNonce = true }
        let foreign = other.verifier.currentNonce(now: now)
        #expect(await h.refusal([try h.proof(nonce: foreign)])?.reason == .dpopNonceRequired)
    }

    @Test func aStaleNonceIsRefusedEvenWhenNotRequired() async throws {
        let h = try DPoPHarness()
        #expect(await h.refusal([try h.proof(nonce: "stale-or-made-up")])?.reason == .dpopNonceRequired)
        #expect(try await h.verify([try h.proof(nonce: h.verifier.currentNonce(now: now))]) == h.signer.jkt)
    }

    @Test func anUnsignedProofGetsNoNonceVerdictAndUsesNoReplaySlot() async throws {
        let h = try DPoPHarness { $0.requireNonce = true; $0.replayCacheEntries = 1 }
        let forged = try DPoPProofSigner().sign(header: h.signer.header, claims: h.claims())
        #expect(await h.refusal([forged])?.reason == .invalidDPoPProof)
        #expect(try await h.verify([try h.proof(nonce: h.verifier.currentNonce(now: now))]) == h.signer.jkt)
    }

    @Test func replicasSharingANonceKeyAcceptEachOthersNonces() async throws {
        let environment = ["DPOP_NONCE_KEY": String(repeating: "k", count: 32)]
        let a = try DPoPHarness(environment: environment) { $0.requireNonce = true; $0.nonceKey = try? SecretReference("env:DPOP_NONCE_KEY") }
        let b = try DPoPHarness(environment: environment) { $0.requireNonce = true; $0.nonceKey = try? SecretReference("env:DPOP_NONCE_KEY") }
        let nonce = a.verifier.currentNonce(now: now)
        #expect(b.verifier.currentNonce(now: now) == nonce)
        #expect(try await b.verify([try b.proof(nonce: nonce)]) == b.signer.jkt)
    }

    @Test func aShortOrMissingNonceKeyStopsStartUp() throws {
        let reference = try SecretReference("env:DPOP_NONCE_KEY")
        let configuration = DPoPConfiguration(publicURL: DPoPHarness.publicURL, nonceKey: reference)
        for environment in [["DPOP_NONCE_KEY": "short"], [:]] {
            do {
                _ = try DPoPVerifier(configuration: configuration, environment: environment)
                Issue.record("a verifier started without a usable nonce key")
            } catch {
                #expect(error.description.contains("nonce_key") || error.description.contains("DPOP_NONCE_KEY"))
                #expect(!error.description.contains("short"))
            }
        }
    }
}
