import Core
import Crypto

/// Tokens already verified, so a client sending the same bearer token on every call pays the signature check
/// once. Security argument (docs/identity.md, "Verified-token cache"):
/// - the key is SHA-256 of the **whole** compact token (header, payload and signature bytes): a hit means the
///   byte-identical token was verified before; changing any byte (claims, header, signature) misses (second
///   preimage resistance), and a miss runs the full verification;
/// - only successes are cached, never refusals, so nothing an attacker sends can be made to pass;
/// - the time-dependent checks are redone on every hit with the issuer's clock skew: `exp`, `nbf` and, with
///   `max_token_age_seconds`, `iat`; an entry past them is dropped and the token goes the full way (refused);
/// - an entry records the key-set generation of the issuer keys that verified it; when the issuer's key set
///   changes (rotation, a key removed) the whole cache is dropped, and an entry of an older generation — or of
///   an issuer whose keys are unavailable (stale beyond `jwks_max_staleness_seconds`) — never hits;
/// - bounded: at most `capacity` entries (LRU, O(1)), split over shards so concurrent requests rarely contend.
final class VerifiedTokenCache: Sendable {
    /// SHA-256 of the token as four words (cheap to hash and compare).
    struct Digest: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64
    }

    struct Entry: Sendable {
        let token: VerifiedToken
        let keys: IssuerKeyStore
        let generation: UInt64
        /// Accepted while `validFrom <= now <= validUntil` (skew included).
        let validFrom: Double
        let validUntil: Double
    }

    private let shards: Sharded<BoundedLRU<Digest, Entry>>

    /// Up to 8 shards of at least 128 entries each; a small cache is one exact LRU.
    init(capacity: Int) {
        shards = Sharded(capacity: capacity, minimumPerShard: 128, maximumShards: 8) { n in BoundedLRU(capacity: capacity / n) }
    }

    static func digest(_ token: Substring) -> Digest {
        let hash = token.utf8.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Array(token.utf8))
        return hash.withUnsafeBytes { raw in
            Digest(a: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), b: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                   c: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), d: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    /// The shard hash: the digest's first word (SHA-256 output is uniformly mixed).
    private static func hash(_ d: Digest) -> Int { Int(truncatingIfNeeded: d.a) }

    /// The principal of a token verified before, if it is still within its validity and its issuer's key set
    /// is the one that verified it.
    func token(_ digest: Digest, now: Double) -> VerifiedToken? {
        guard let entry = shards.withLock(forHash: Self.hash(digest), { $0.get(digest) }) else { return nil }
        guard entry.validFrom <= now, now <= entry.validUntil, entry.keys.currentGeneration() == entry.generation else {
            shards.withLock(forHash: Self.hash(digest)) { _ = $0.remove(digest) }
            return nil
        }
        return entry.token
    }

    func insert(_ digest: Digest, _ entry: Entry, now: Double) {
        shards.withLock(forHash: Self.hash(digest)) { lru in
            // Opportunistically drop an expired least-recently-used entry, so dead tokens do not sit out the LRU.
            if let oldest = lru.oldest, oldest.value.validUntil < now { lru.remove(oldest.key) }
            lru.set(digest, entry)
        }
    }

    func removeAll() { shards.forEachShard { $0.removeAll() } }

    var count: Int { shards.sum { $0.count } }
}
