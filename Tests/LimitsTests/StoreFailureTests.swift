import Core
import Testing
@testable import Limits

/// When a store cannot answer, admission fails closed (refused as `unavailable`, nothing left charged) and the
/// cache is only a miss; what happens after admission (settling, headers, the sweep) is counted, not fatal.
@Suite struct StoreFailureTests {
    let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
    let alice = Fixture.principal("alice", groups: ["eng"], tenant: "acme")
    let model = Fixture.model("priced", input: 1, output: 2)

    func configuration() throws -> LimitsConfiguration {
        LimitsConfiguration(
            rateLimits: [
                try RateLimitRule(scope: .principal, requestsPerMinute: 60, tokensPerMinute: 1000),
                try RateLimitRule(scope: .group, match: "eng", requestsPerMinute: 100),
            ],
            budgets: [try BudgetRule(scope: .principal, daily: 1)])
    }

    /// A control over working stores, to read what the control under test left in them.
    func reader(_ buckets: any RateLimitStore, _ budgets: any BudgetStore) throws -> AdmissionControl {
        AdmissionControl(configuration: try configuration(), clock: clock, buckets: buckets, budgets: budgets)
    }

    @Test func aRateStoreThatCannotAnswerRefusesAndReservesNoBudget() async throws {
        let rates = FlakyRateLimitStore()
        let budgets = InMemoryBudgetStore()
        let ac = AdmissionControl(configuration: try configuration(), clock: clock, buckets: rates, budgets: budgets)
        let refused = try #require(await refusal { try await ac.admit(alice, model: model) })
        #expect(refused.kind == .unavailable && refused.isUnavailable)
        #expect(refused.errorCode == "control_unavailable" && refused.errorType == "server_error" && refused.scope == "store")
        #expect(refused.retryable && refused.retryAfterSeconds == 1)
        #expect(Fixture.header(refused.headers, "retry-after") == "1")
        #expect(!refused.headers.contains { $0.0.hasPrefix("x-ratelimit") })
        #expect(ac.openAdmissions == 0)
        #expect(ac.storeFailures == 1)

        let report = try await reader(rates.inner, budgets).usage(for: alice)
        let budget = try #require(report.budgets.first)
        #expect(budget.reserved == 0 && budget.spent == 0)
        #expect(report.rateLimits.map { $0.requests?.remaining } == [60, 100])
    }

    @Test func aBucketThatCannotBeChargedGivesBackTheOnesBeforeIt() async throws {
        // Buckets are charged principal first, then group: the group's store is down.
        let rates = FlakyRateLimitStore(onlyCharging: .group)
        let budgets = InMemoryBudgetStore()
        let ac = AdmissionControl(configuration: try configuration(), clock: clock, buckets: rates, budgets: budgets)
        #expect(await refusal { try await ac.admit(alice, model: model, tokens: 100) }?.kind == .unavailable)
        let report = try await reader(rates.inner, budgets).usage(for: alice)
        #expect(report.rateLimits.first?.requests?.remaining == 60)
        #expect(report.rateLimits.first?.tokens?.remaining == 1000)
        #expect(report.budgets.first?.reserved == 0)
        #expect(ac.storeFailures == 1)
    }

    @Test func aBudgetStoreThatCannotReserveRefusesAndTheRateChargeIsGivenBack() async throws {
        let rates = InMemoryRateLimitStore(maxKeys: 100)
        let budgets = FlakyBudgetStore()
        let ac = AdmissionControl(configuration: try configuration(), clock: clock, buckets: rates, budgets: budgets)
        let refused = try #require(await refusal { try await ac.admit(alice, model: model, tokens: 100) })
        #expect(refused.kind == .unavailable)
        #expect(ac.storeFailures == 1 && ac.openAdmissions == 0)

        let report = try await reader(rates, budgets.inner).usage(for: alice)
        #expect(report.rateLimits.map { $0.requests?.remaining } == [60, 100])
        #expect(report.rateLimits.first?.tokens?.remaining == 1000)
        #expect(report.budgets.first?.reserved == 0)

        // Back up: the same call is admitted and reserved.
        budgets.down.store(false, ordering: .relaxed)
        let grant = try await ac.admit(alice, model: model, tokens: 100)
        #expect(grant.chargedBudget)
        #expect(try await ac.usage(for: alice).budgets.first?.reserved == grant.reservedCost)
    }

    @Test func failuresAfterAdmissionAreCountedNotThrown() async throws {
        let rates = FlakyRateLimitStore(down: false)
        let budgets = FlakyBudgetStore(down: false)
        let ac = AdmissionControl(configuration: try configuration(), clock: clock, buckets: rates, budgets: budgets)
        let a = try await ac.admit(alice, model: model, tokens: 100)
        let b = try await ac.admit(alice, model: model, tokens: 100)
        rates.down.store(true, ordering: .relaxed)
        budgets.down.store(true, ordering: .relaxed)

        await ac.settle(a, usage: TokenUsage(inputTokens: 100, outputTokens: 10))  // token bucket + budget
        await ac.release(b)  // token bucket + budget
        #expect(ac.storeFailures == 4)
        #expect(ac.openAdmissions == 0)  // each settled or released once, whatever the store did
        #expect(await ac.currentHeaders(for: alice, model: model).isEmpty)
        #expect(ac.storeFailures == 5)
        await #expect(throws: StoreDown.self) { try await ac.usage(for: alice) }
        await #expect(throws: StoreDown.self) { try await ac.usageForAll() }
        #expect(ac.storeFailures == 7)

        // The sweep (once a minute, inside admission) cannot forget ended periods: counted, the call goes on.
        rates.down.store(false, ordering: .relaxed)
        clock.advance(seconds: 61)
        _ = try await ac.admit(alice, model: model, chargeBudget: false)
        #expect(ac.storeFailures == 8)
    }

    @Test func aCacheStoreThatCannotAnswerIsAMissAndNothingIsStored() async throws {
        let cache = AnswerCache(configuration: CacheConfiguration(enabled: true), clock: clock, store: FailingAnswerCacheStore())
        let key = cache.key(scope: .principal(alice), model: "m", operation: .chatCompletions, body: ["a": 1])
        let answer = CachedAnswer(payload: .complete(body: Array("{}".utf8)), usage: TokenUsage())
        #expect(await cache.store(key, answer) == false)
        #expect(await cache.lookup(key) == nil)
        await cache.removeAll()
        let stats = cache.stats
        #expect(stats.failures == 3)
        #expect(stats.misses == 1 && stats.hits == 0 && stats.stores == 0)
    }
}
