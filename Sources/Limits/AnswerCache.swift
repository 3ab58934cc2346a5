import Core
import Synchronization

/// Exact-match response cache, scoped to an identity (see `CachePartition`). Entries expire after
/// `ttl_seconds`; the default store (`InMemoryResponseCacheStore`) holds at most `max_entries` entries and
/// `max_bytes` bytes, evicting the least recently used. The cache is an optimisation: when its store cannot
/// answer, a lookup is a miss and a store is skipped, each counted in `CacheStats.failures`.
public final class AnswerCache: Sendable {
    public let configuration: CacheConfiguration
    private let clock: any LimitsClock
    private let storage: any AnswerCacheStore
    private let counters = CacheCounters()

    /// In memory, bounded by `max_entries` and `max_bytes`.
    public convenience init(configuration: CacheConfiguration, clock: any LimitsClock = SystemClock()) {
        self.init(configuration: configuration, clock: clock,
                  store: InMemoryResponseCacheStore(maxEntries: configuration.maxEntries, maxBytes: configuration.maxBytes))
    }

    /// Over the given store (e.g. one shared by several replicas).
    public init(configuration: CacheConfiguration, clock: any LimitsClock, store: any AnswerCacheStore) {
        self.configuration = configuration
        self.clock = clock
        self.storage = store
    }

    public var isEnabled: Bool { configuration.enabled }

    /// The key of a request: `scope` from `CachePartition.permitted(for:obligations:)`, the public model name,
    /// the operation (so an embeddings body never matches a responses body), the request body canonicalised
    /// without `stream`, `stream_options` and `user`, and the obligations that shape the forwarded request
    /// and the answer (guardrail profile, token cap, redaction, pseudonymisation, allowed tools) — so an
    /// answer produced under one policy outcome is never served under another (e.g. a tool call to a tool
    /// the second caller may not use).
    public func key(
        scope: CachePartition, model: String, operation: Operation, body: JSONValue, obligations: Obligations = .none
    ) -> CacheKey {
        var bytes = CacheKeyBytes.request(body)
        CacheKeyBytes.appendObligations(obligations, to: &bytes)
        return CacheKey(scope: scope, model: model, operation: operation, request: bytes)
    }

    /// The stored answer, if any, unexpired, and the client did not send `no-store` / `no-cache`. Nil (a miss,
    /// and a failure counted) when the store cannot answer.
    public func lookup(_ key: CacheKey, control: CacheControl = CacheControl()) async -> CachedAnswer? {
        guard configuration.enabled else { return nil }
        if control.noStore || control.noCache {
            counters.bypasses.wrappingAdd(1, ordering: .relaxed)
            return nil
        }
        let now = clock.now()
        let found: CacheLookup
        do { found = try await storage.get(key, now: now) } catch {
            counters.failures.wrappingAdd(1, ordering: .relaxed)
            counters.misses.wrappingAdd(1, ordering: .relaxed)
            return nil
        }
        switch found {
        case .hit(let r):
            counters.hits.wrappingAdd(1, ordering: .relaxed)
            return r
        case .expired:
            counters.expirations.wrappingAdd(1, ordering: .relaxed)
            counters.misses.wrappingAdd(1, ordering: .relaxed)
            return nil
        case .miss:
            counters.misses.wrappingAdd(1, ordering: .relaxed)
            return nil
        }
    }

    /// Whether an answer under `control` would be stored (the caller may skip collecting it otherwise).
    public func accepts(_ control: CacheControl) -> Bool { configuration.enabled && !control.noStore }

    /// Stores a complete answer (call only for successful, fully received responses that passed the
    /// response guardrails). Returns false when not stored: cache off, `no-store`, larger than the cache, or
    /// the store failed (counted).
    @discardableResult
    public func store(_ key: CacheKey, _ response: CachedAnswer, control: CacheControl = CacheControl()) async -> Bool {
        guard accepts(control) else { return false }
        let now = clock.now()
        var r = response
        r.storedAt = now
        let expiresAt = now + Int64(configuration.ttlSeconds) * 1_000_000_000
        let evicted: Int
        do {
            guard let e = try await storage.put(key, r, expiresAt: expiresAt) else { return false }
            evicted = e
        } catch {
            counters.failures.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        counters.stores.wrappingAdd(1, ordering: .relaxed)
        if evicted > 0 { counters.evictions.wrappingAdd(evicted, ordering: .relaxed) }
        return true
    }

    /// Seconds since `response` was stored, for an `Age` header on a hit.
    public func age(of response: CachedAnswer) -> Int { response.age(now: clock.now()) }

    /// Empties the cache. A store failure is counted.
    public func removeAll() async {
        do { try await storage.removeAll() } catch { counters.failures.wrappingAdd(1, ordering: .relaxed) }
    }

    public var stats: CacheStats {
        let entries = storage.entryCount, bytes = storage.byteCount
        return CacheStats(
            hits: counters.hits.load(ordering: .relaxed), misses: counters.misses.load(ordering: .relaxed),
            bypasses: counters.bypasses.load(ordering: .relaxed), stores: counters.stores.load(ordering: .relaxed),
            evictions: counters.evictions.load(ordering: .relaxed),
            expirations: counters.expirations.load(ordering: .relaxed), failures: counters.failures.load(ordering: .relaxed),
            entries: entries, bytes: bytes)
    }
}

/// Cache counters since start, and the current size.
public struct CacheStats: Codable, Sendable, Hashable {
    public var hits: Int
    public var misses: Int
    /// Lookups skipped because of `Cache-Control: no-store` / `no-cache`.
    public var bypasses: Int
    public var stores: Int
    public var evictions: Int
    public var expirations: Int
    /// Store operations that failed (a lookup then counts as a miss too; a store is skipped).
    public var failures: Int
    public var entries: Int
    public var bytes: Int
}

private final class CacheCounters: Sendable {
    let hits = Atomic<Int>(0)
    let misses = Atomic<Int>(0)
    let bypasses = Atomic<Int>(0)
    let stores = Atomic<Int>(0)
    let evictions = Atomic<Int>(0)
    let expirations = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
}
