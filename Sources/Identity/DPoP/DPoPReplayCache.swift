import Core
import Crypto

/// Where DPoP proofs already used are remembered (RFC 9449 §11.1). The verifier asks once per accepted proof,
/// after every other check passed, with a digest of the proof's key thumbprint and `jti`.
///
/// The in-memory `DPoPReplayCache` protects one process; replicas behind one URL need a shared store
/// (e.g. PostgreSQL, `INSERT ... ON CONFLICT DO NOTHING`) implementing this protocol.
public protocol DPoPReplayStore: Sendable {
    /// Records `digest` until `expiresAt` and returns true if it was not held (unexpired) before. Returns false
    /// for a replay, and also whenever the store cannot remember the digest (full): a proof that cannot be
    /// recorded is refused, never let through unrecorded. Throws when the store cannot be reached (a shared
    /// store's database is down): the call then fails closed as unavailable, not as a replay.
    func firstUse(_ digest: [UInt8], expiresAt: Double, now: Double) async throws -> Bool
}

/// The in-memory replay store: SHA-256 digests of (thumbprint, jti) with their expiry, in `BoundedLRU`s split
/// over `Sharded` locks.
///
/// **Bound and fail-closed rule.** A proof is held until `iat + iat_window_seconds`, the last instant its `iat`
/// is accepted; since `iat` may lie up to one window ahead, one proof is held for at most two windows
/// (usually about one). At most `capacity` unexpired proofs are held (each shard its share). When a new proof
/// arrives at a full shard, expired entries are dropped first, starting with the least recently used; if the
/// shard is still full of unexpired entries the new proof is **refused** instead of evicting one: evicting
/// would forget a live `jti` and let its proof be replayed. The price is that a client flooding the gateway
/// with valid proofs (it needs valid tokens and keys for that) can make others' proofs be refused until
/// entries expire; size `replay_cache_entries` above the peak proofs per window (default 100000: about
/// 1600 proofs per second with a 60-second window). Expired entries behind an unexpired least-recently-used
/// one wait (at most two windows) and may delay making room; that errs on the refusing side too.
public final class DPoPReplayCache: DPoPReplayStore {
    /// A 32-byte digest as four words (cheap to hash and compare, no allocation per entry).
    struct Key: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64
    }

    private let shards: Sharded<BoundedLRU<Key, Double>>

    /// At most `capacity` unexpired proofs; up to 8 shards of at least 4096 entries each.
    public init(capacity: Int) {
        let capacity = max(1, capacity)
        shards = Sharded(capacity: capacity, minimumPerShard: 4_096, maximumShards: 8) { n in
            BoundedLRU(capacity: capacity / n)
        }
    }

    /// The digest the verifier records for a proof: SHA-256 of the thumbprint, a NUL byte and the `jti`, so
    /// two keys' equal `jti`s never collide and the cache holds no `jti` in clear.
    public static func digest(thumbprint: String, jti: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(thumbprint.utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(jti.utf8))
        return Array(hasher.finalize())
    }

    public func firstUse(_ digest: [UInt8], expiresAt: Double, now: Double) async -> Bool {
        let key = Self.key(digest)
        return shards.withLock(forHash: Int(truncatingIfNeeded: key.a)) { lru in
            if let held = lru.get(key) {
                if held >= now { return false }
                lru.remove(key)
            }
            while let oldest = lru.oldest, oldest.value < now { lru.remove(oldest.key) }
            // Full of unexpired proofs: refuse rather than forget one (see the type's documentation).
            guard lru.count < lru.capacity else { return false }
            lru.set(key, expiresAt)
            return true
        }
    }

    /// Entries held (expired ones included until they are dropped).
    public var count: Int { shards.sum { $0.count } }

    /// A digest of any length as a key: a 32-byte digest as it is, anything else hashed to 32 bytes first.
    private static func key(_ digest: [UInt8]) -> Key {
        let bytes = digest.count == 32 ? digest : Array(SHA256.hash(data: digest))
        return bytes.withUnsafeBytes { raw in
            Key(a: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), b: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                c: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), d: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }
}
