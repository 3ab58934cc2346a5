import Synchronization

/// Where cached answers live. `InMemoryResponseCacheStore` is the default; a store shared by several gateway
/// replicas implements the same operations (keys compared in full — scope, model, operation and request
/// bytes — never by hash alone). `ResponseCache` does the rest: key construction, client `Cache-Control`,
/// the TTL, counters.
public protocol ResponseCacheStore: Sendable {
    /// The entry for `key`, `.expired` (and dropped) when its time has passed at `now`, else `.miss`.
    func get(_ key: CacheKey, now: Int64) -> CacheLookup
    /// Inserts or replaces; returns how many entries were evicted to make room, or nil when not stored
    /// (the entry alone exceeds the store's bound).
    func put(_ key: CacheKey, _ response: CachedResponse, expiresAt: Int64) -> Int?
    func removeAll()
    var entryCount: Int { get }
    var byteCount: Int { get }
}

public enum CacheLookup: Sendable {
    case hit(CachedResponse)
    case expired
    case miss
}

/// The in-memory store: at most `maxEntries` entries and `maxBytes` bytes, least recently used evicted first.
/// Large stores are split into lock-striped shards (each with its share of the bounds); small ones keep a
/// single shard so the LRU order is exact.
public final class InMemoryResponseCacheStore: ResponseCacheStore {
    private final class Shard: Sendable {
        let lru: Mutex<LRUShard>
        init(entries: Int, bytes: Int) { lru = Mutex(LRUShard(maxEntries: entries, maxBytes: bytes)) }
    }

    private let shards: [Shard]

    public init(maxEntries: Int, maxBytes: Int) {
        let n = maxEntries >= 8 * 1024 ? 8 : 1
        shards = (0..<n).map { _ in Shard(entries: maxEntries / n, bytes: maxBytes / n) }
    }

    private func shard(_ key: CacheKey) -> Shard {
        shards.count == 1 ? shards[0] : shards[key.hashValue & (shards.count - 1)]
    }

    public func get(_ key: CacheKey, now: Int64) -> CacheLookup {
        shard(key).lru.withLock { $0.get(key, now: now) }
    }

    public func put(_ key: CacheKey, _ response: CachedResponse, expiresAt: Int64) -> Int? {
        shard(key).lru.withLock { $0.put(key, response, expiresAt: expiresAt) }
    }

    public func removeAll() {
        for s in shards { s.lru.withLock { $0.removeAll() } }
    }

    public var entryCount: Int { shards.reduce(0) { n, s in n + s.lru.withLock { $0.count } } }
    public var byteCount: Int { shards.reduce(0) { n, s in n + s.lru.withLock { $0.bytes } } }
}
