import Synchronization
@testable import Limits

/// What a store that cannot answer throws.
struct StoreDown: Error {}

/// Rate-limit buckets in memory (`inner`) behind a store that can be told it is down: for every bucket, or
/// only for charging buckets of one kind (the others still charge, adjust and peek).
final class FlakyRateLimitStore: RateLimitStore {
    let inner = InMemoryRateLimitStore(maxKeys: 1000)
    let down: Atomic<Bool>
    private let onlyCharging: BucketKey.Kind?

    init(down: Bool = true, onlyCharging: BucketKey.Kind? = nil) {
        self.down = Atomic(down)
        self.onlyCharging = onlyCharging
    }

    private func check(_ key: BucketKey, charging: Bool) throws {
        guard down.load(ordering: .relaxed) else { return }
        if let kind = onlyCharging, !charging || key.kind != kind { return }
        throw StoreDown()
    }

    func charge(_ key: BucketKey, _ limits: BucketLimits, countRequest: Bool, tokens: Int, now: Int64) async throws -> ChargeOutcome {
        try check(key, charging: true)
        return inner.charge(key, limits, countRequest: countRequest, tokens: tokens, now: now)
    }

    func adjust(_ key: BucketKey, _ limits: BucketLimits, requests: Int, tokens: Int, now: Int64) async throws {
        try check(key, charging: false)
        inner.adjust(key, limits, requests: requests, tokens: tokens, now: now)
    }

    func peek(_ key: BucketKey, _ limits: BucketLimits, now: Int64) async throws -> BucketReading {
        try check(key, charging: false)
        return inner.peek(key, limits, now: now)
    }

    var count: Int { inner.count }
    var evictedActive: Int { inner.evictedActive }
}

/// Budget accounts in memory (`inner`) behind a store that can be told it is down.
final class FlakyBudgetStore: BudgetStore {
    let inner = InMemoryBudgetStore()
    let down: Atomic<Bool>

    init(down: Bool = true) { self.down = Atomic(down) }

    private func check() throws { if down.load(ordering: .relaxed) { throw StoreDown() } }

    func reserve(_ targets: [BudgetTarget], amount: Int64) async throws -> BudgetTarget? {
        try check()
        return inner.reserve(targets, amount: amount)
    }

    func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64) async throws {
        try check()
        inner.settle(targets, reserved: reserved, actual: actual)
    }

    func release(_ targets: [BudgetTarget], reserved: Int64) async throws {
        try check()
        inner.release(targets, reserved: reserved)
    }

    func account(_ key: LedgerKey) async throws -> Account {
        try check()
        return inner.account(key)
    }

    func forgetEnded(currentDay: Int64, currentMonth: Int64) async throws {
        try check()
        inner.forgetEnded(currentDay: currentDay, currentMonth: currentMonth)
    }
}

/// An answer cache store that never answers.
final class FailingAnswerCacheStore: AnswerCacheStore {
    func get(_ key: CacheKey, now: Int64) async throws -> CacheLookup { throw StoreDown() }
    func put(_ key: CacheKey, _ response: CachedAnswer, expiresAt: Int64) async throws -> Int? { throw StoreDown() }
    func removeAll() async throws { throw StoreDown() }
    var entryCount: Int { 0 }
    var byteCount: Int { 0 }
}
