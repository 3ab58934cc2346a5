import Support
import Synchronization

/// All rate-limit buckets, in lock-striped shards so concurrent requests for different callers rarely
/// contend. Memory is bounded by `maxKeys`: full (idle) buckets are swept first, which loses nothing; only
/// if every bucket is still active are the least recently used dropped (counted in `evictedActive`), so a
/// caller that keeps sending keeps its bucket however many other keys appear.
public final class InMemoryRateLimitStore: RateLimitStore {
    private let shards: Sharded<ShardState>
    private let evictedActiveCount = Atomic<Int>(0)

    /// Up to 16 shards of at least 128 keys each.
    public init(maxKeys: Int) {
        shards = Sharded(capacity: maxKeys, minimumPerShard: 128, maximumShards: 16) { n in ShardState(capacity: max(1, maxKeys / n)) }
    }

    /// The shard hash from the names' precomputed hashes (no extra hashing).
    private static func hash(_ key: BucketKey) -> Int {
        key.name.digest &+ key.model.digest &* 31 &+ Int(key.kind.rawValue)
    }

    /// Charges one request (if `countRequest`) and `tokens` tokens, atomically for this bucket.
    public func charge(_ key: BucketKey, _ limits: BucketLimits, countRequest: Bool, tokens: Int, now: Int64) -> ChargeOutcome {
        let (outcome, dropped) = shards.withLock(forHash: Self.hash(key)) { s -> (ChargeOutcome, Int) in
            var dropped = 0
            if s.buckets.count >= s.sweepAt, s.buckets.index(forKey: key) == nil { dropped = s.makeRoom(now: now) }
            // One hash lookup: read-modify-write through the dictionary's in-place accessor. A refused
            // charge on a new key leaves a full bucket behind, which the next sweep drops.
            let outcome = BucketState.charge(
                &s.buckets[key, default: BucketState(requestTAT: now, tokenTAT: now, lastUsed: now)], limits, countRequest, tokens, now)
            return (outcome, dropped)
        }
        if dropped > 0 { evictedActiveCount.wrappingAdd(dropped, ordering: .relaxed) }
        return outcome
    }

    /// Gives back (negative) or adds (positive) requests and tokens after the fact.
    public func adjust(_ key: BucketKey, _ limits: BucketLimits, requests: Int, tokens: Int, now: Int64) {
        guard requests != 0 || tokens != 0 else { return }
        let dropped = shards.withLock(forHash: Self.hash(key)) { s -> Int in
            if let i = s.buckets.index(forKey: key) {
                BucketState.adjust(&s.buckets.values[i], limits, requests, tokens, now)
                return 0
            }
            // Nothing to give back to a bucket that is already full.
            guard requests > 0 || tokens > 0 else { return 0 }
            let dropped = s.makeRoom(now: now)
            var state = BucketState(requestTAT: now, tokenTAT: now, lastUsed: now)
            BucketState.adjust(&state, limits, requests, tokens, now)
            s.buckets[key] = state
            return dropped
        }
        if dropped > 0 { evictedActiveCount.wrappingAdd(dropped, ordering: .relaxed) }
    }

    /// The bucket as it stands, without charging.
    public func peek(_ key: BucketKey, _ limits: BucketLimits, now: Int64) -> BucketReading {
        let state = shards.withLock(forHash: Self.hash(key)) { $0.buckets[key] } ?? BucketState(requestTAT: now, tokenTAT: now)
        return BucketState.read(state, limits, now)
    }

    public var count: Int { shards.sum { $0.buckets.count } }
    public var evictedActive: Int { evictedActiveCount.load(ordering: .relaxed) }

}

/// One shard's buckets and its sweep schedule. Sweeps run when the shard has doubled since the last one
/// (or reached capacity), so their O(n) cost is amortised over at least n/8 inserts.
struct ShardState: Sendable {
    var buckets: [BucketKey: BucketState] = [:]
    let capacity: Int
    var sweepAt: Int

    init(capacity: Int) {
        self.capacity = capacity
        sweepAt = min(capacity, 64)
    }

    /// Called before inserting a new key; returns how many active buckets had to be dropped.
    mutating func makeRoom(now: Int64) -> Int {
        guard buckets.count >= sweepAt else { return 0 }
        buckets = buckets.filter { $0.value.idleAt > now }
        var dropped = 0
        if buckets.count >= capacity {
            let keep = capacity - max(1, capacity / 8)
            let survivors = buckets.sorted { $0.value.lastUsed > $1.value.lastUsed }.prefix(keep)
            dropped = buckets.count - survivors.count
            buckets = Dictionary(uniqueKeysWithValues: survivors.map { ($0.key, $0.value) })
        }
        sweepAt = min(capacity, max(64, buckets.count * 2))
        return dropped
    }
}
