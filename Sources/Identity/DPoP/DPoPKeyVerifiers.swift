import Core
import JWTKit

/// jwt-kit verifiers for the keys DPoP proofs carry, built by the same code as an issuer's JWKS keys
/// (`VerificationKeys.verifier`) and remembered by (thumbprint, algorithm), so a client that signs every
/// request with the same key does not pay for building its verifier each time.
///
/// Why a remembered verifier is the right one: it is built from the key's RFC 7638 required members only
/// (`DPoPProof.publicKey`), and the thumbprint is SHA-256 over exactly those members, so equal thumbprints
/// mean the same public key (collision resistance); the algorithm is part of the cache key, so a verifier is
/// never used for another algorithm. Only verifiers are remembered, never an outcome: every proof's
/// signature is checked. Bounded (LRU); a miss only rebuilds.
final class DPoPKeyVerifiers: Sendable {
    private let shards: Sharded<BoundedLRU<String, any JWTAlgorithm>>

    init(capacity: Int = 4_096) {
        shards = Sharded(capacity: capacity, minimumPerShard: 256, maximumShards: 8) { n in BoundedLRU(capacity: capacity / n) }
    }

    /// The verifier for the proof's key and algorithm.
    func verifier(for proof: DPoPProof) async throws(AuthenticationFailure) -> any JWTAlgorithm {
        let cacheKey = proof.thumbprint + "." + proof.algorithm
        let hash = cacheKey.hashValue
        if let known = shards.withLock(forHash: hash, { $0.get(cacheKey) }) { return known }
        var fields = proof.publicKey
        fields["alg"] = .string(proof.algorithm)
        fields["kid"] = .string("dpop")
        let built: any JWTAlgorithm
        do {
            built = try await VerificationKeys.verifier(for: .object(fields), algorithm: proof.algorithm)
        } catch {
            throw DPoPProof.invalid("the DPoP proof's jwk is not a usable public key")
        }
        shards.withLock(forHash: hash) { _ = $0.set(cacheKey, built) }
        return built
    }

    var count: Int { shards.sum { $0.count } }
}
