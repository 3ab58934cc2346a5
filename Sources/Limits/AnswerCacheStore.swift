import Support

/// Where cached answers live. `InMemoryResponseCacheStore` is the default; a store shared by several gateway
/// replicas implements the same operations (keys compared in full — scope, model, operation and request
/// bytes — never by hash alone). `AnswerCache` does the rest: key construction, client `Cache-Control`,
/// the TTL, counters. The operations may suspend and may throw: `AnswerCache` treats a throw as a miss (on
/// lookup) or as not stored, counts it, and never serves anything it could not read whole.
public protocol AnswerCacheStore: Sendable {
    /// The entry for `key`, `.expired` (and dropped) when its time has passed at `now`, else `.miss`.
    func get(_ key: CacheKey, now: Int64) async throws -> CacheLookup
    /// Inserts or replaces; returns how many entries were evicted to make room, or nil when not stored
    /// (the entry alone exceeds the store's bound).
    func put(_ key: CacheKey, _ response: CachedAnswer, expiresAt: Int64) async throws -> Int?
    func removeAll() async throws
    /// Entries and bytes held: local figures (a shared store reports what it knows without asking).
    var entryCount: Int { get }
    var byteCount: Int { get }
}

public enum CacheLookup: Sendable {
    case hit(CachedAnswer)
    case expired
    case miss
}

/// The in-memory store: at most `maxEntries` entries and `maxBytes` bytes (keys and answers), least recently
/// used evicted first; an entry's expiry is kept beside its answer and checked on lookup. Large stores are
/// split into lock-striped shards (each with its share of the bounds); small ones keep a single shard so the
/// LRU order is exact.
public final class InMemoryResponseCacheStore: AnswerCacheStore {
    private struct Stored: Sendable {
        var response: CachedAnswer
        var expiresAt: Int64
    }

    private let shards: Sharded<BoundedLRU<CacheKey, Stored>>

    /// Up to 8 shards of at least 1024 entries each.
    public init(maxEntries: Int, maxBytes: Int) {
        shards = Sharded(capacity: maxEntries, minimumPerShard: 1024, maximumShards: 8) { n in
            BoundedLRU(capacity: maxEntries / n, maxCost: maxBytes / n)
        }
    }

    public func get(_ key: CacheKey, now: Int64) -> CacheLookup {
        shards.withLock(forHash: key.hashValue) { lru in
            guard let stored = lru.get(key) else { return .miss }
            guard now < stored.expiresAt else {
                lru.remove(key)
                return .expired
            }
            return .hit(stored.response)
        }
    }

    public func put(_ key: CacheKey, _ response: CachedAnswer, expiresAt: Int64) -> Int? {
        shards.withLock(forHash: key.hashValue) { lru in
            lru.set(key, Stored(response: response, expiresAt: expiresAt), cost: key.byteCount + response.byteCount)
        }
    }

    public func removeAll() { shards.forEachShard { $0.removeAll() } }

    public var entryCount: Int { shards.sum { $0.count } }
    public var byteCount: Int { shards.sum { $0.totalCost } }
}
