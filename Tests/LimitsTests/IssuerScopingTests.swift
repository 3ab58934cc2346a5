import Core
import Synchronization
import Testing
@testable import Limits

/// Names mean something only with the issuer that asserted them: a partner IdP asserting the staff IdP's
/// group, tenant or subject must never share (or drain) the staff's buckets, budgets or cache.
@Suite struct IssuerScopingTests {
    let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
    static let staffIdP = "https://login.staff.example/v2.0"
    static let partnerIdP = "https://keycloak.partner.example/realms/p"
    let staff = Fixture.principal("alice", issuer: staffIdP, groups: ["eng"], tenant: "acme")
    let partner = Fixture.principal("alice", issuer: partnerIdP, groups: ["eng"], tenant: "acme")
    let priced = Fixture.model("priced", input: 1, output: 2)

    func control(rates: [RateLimitRule] = [], budgets: [BudgetRule] = [], maxKeys: Int = 100_000) -> AdmissionControl {
        AdmissionControl(configuration: LimitsConfiguration(rateLimits: rates, budgets: budgets, maxKeys: maxKeys), clock: clock)
    }

    @Test func aPartnerCannotDrainTheStaffGroupsBucket() async throws {
        let ac = control(rates: [try RateLimitRule(scope: .group, match: "eng", requestsPerMinute: 3)])
        for _ in 0..<3 { _ = try await ac.admit(partner) }
        #expect(await refusal { try await ac.admit(partner) }?.scope == "group")
        // The staff's group "eng" is another bucket, untouched.
        let a = try await ac.admit(staff)
        #expect(Fixture.header(a.headers, "x-ratelimit-remaining-requests") == "2")
    }

    @Test func aPartnerCannotDrainTheStaffGroupsOrTenantsBudget() async throws {
        // Worst case 1000 in + 1000 out = 0.003; each budget fits exactly one call.
        for rule in [try BudgetRule(scope: .group, match: "*", daily: 0.003), try BudgetRule(scope: .tenant, match: "acme", daily: 0.003)] {
            let ac = control(budgets: [rule])
            _ = try await ac.admit(partner, model: priced, tokens: 1000, maxTokens: 1000)
            #expect(await refusal { try await ac.admit(partner, model: priced, tokens: 1000, maxTokens: 1000) }?.kind == .budgetExhausted)
            #expect(await refusal { try await ac.admit(staff, model: priced, tokens: 1000, maxTokens: 1000) } == nil)
        }
    }

    @Test func rulesNamingAnIssuerApplyToThatIssuerOnly() async throws {
        let ac = control(rates: [
            try RateLimitRule(scope: .principal, match: "*", requestsPerMinute: 2),
            try RateLimitRule(scope: .principal, match: "alice", requestsPerMinute: 5, issuer: Self.staffIdP),
            try RateLimitRule(scope: .group, match: "*", requestsPerMinute: 1, issuer: Self.partnerIdP),
        ])
        // The staff's alice gets her raised limit; the partner's "alice" does not (and its groups get 1/min).
        let s = try await ac.admit(staff)
        #expect(Fixture.header(s.headers, "x-ratelimit-limit-requests") == "5")
        _ = try await ac.admit(partner)
        let second = try #require(await refusal { try await ac.admit(partner) })
        #expect(second.scope == "group")
        // No group rule applies to the staff's groups: four more of five.
        for _ in 0..<4 { _ = try await ac.admit(staff) }
        #expect(await refusal { try await ac.admit(staff) }?.scope == "principal")
    }

    @Test func aRuleWithoutIssuerMatchesTheNameUnderAnyIssuerInSeparateBuckets() async throws {
        let ac = control(rates: [try RateLimitRule(scope: .tenant, match: "acme", requestsPerMinute: 1)])
        _ = try await ac.admit(staff)
        _ = try await ac.admit(partner)  // its own tenant bucket
        #expect(await refusal { try await ac.admit(staff) }?.scope == "tenant")
        #expect(await refusal { try await ac.admit(partner) }?.scope == "tenant")
    }

    @Test func aTenantCacheScopeIsTheTenantOfOneIssuer() async {
        let cache = AnswerCache(configuration: CacheConfiguration(enabled: true), clock: clock)
        let shared = Obligations(cacheScope: .tenant)
        let body: JSONValue = ["model": "m", "messages": [["role": "user", "content": "q"]]]
        func key(_ p: Principal) -> CacheKey {
            cache.key(scope: .permitted(for: p, obligations: shared), model: "m", operation: .chatCompletions, body: body, obligations: shared)
        }
        let colleague = Fixture.principal("bob", issuer: Self.staffIdP, tenant: "acme")
        await cache.store(key(staff), CachedAnswer(payload: .complete(body: Array("{}".utf8)), usage: TokenUsage()))
        #expect(await cache.lookup(key(colleague)) != nil)
        #expect(await cache.lookup(key(partner)) == nil)  // same tid/hd from another IdP: another scope
        // The issuer and tenant are length-prefixed: no boundary confusion.
        let forged = Fixture.principal("x", issuer: "https://login.staff.example/v2.0#acme", tenant: "")
        #expect(CachePartition.permitted(for: forged, obligations: shared) != CachePartition.permitted(for: staff, obligations: shared))
    }

    @Test func usageNamesGroupsAndTenantsAsAsserted() async throws {
        let ac = control(
            rates: [try RateLimitRule(scope: .group, match: "*", requestsPerMinute: 10)],
            budgets: [try BudgetRule(scope: .tenant, match: "*", daily: 1)])
        _ = try await ac.admit(staff, model: priced)
        let report = try await ac.usage(for: staff)
        #expect(report.rateLimits.map(\.name) == ["eng"])
        #expect(report.budgets.map(\.name) == ["acme"])
    }
}

@Suite struct AdmissionDetailTests {
    let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
    let alice = Fixture.principal("alice")

    @Test func everyChoiceIsInTheWorstCase() async throws {
        // 1 input token at 1/M + n × 1000 output at 1/M; the budget fits 3000 output tokens.
        let ac = AdmissionControl(configuration: LimitsConfiguration(
            budgets: [try BudgetRule(scope: .principal, daily: 0.003001)]), clock: clock)
        let model = Fixture.model("m", input: 1, output: 1)
        let three = try await ac.admit(principal: alice, model: model, estimatedInputTokens: 1, maxTokens: 1000,
                                 obligations: .none, chargeBudget: true, choices: 3)
        #expect(abs(three.reservedCost - 0.003001) < 1e-12)
        await ac.release(three)
        let four = await refusal {
            try await ac.admit(principal: alice, model: model, estimatedInputTokens: 1, maxTokens: 1000, obligations: .none,
                         chargeBudget: true, choices: 4)
        }
        #expect(four?.kind == .budgetExhausted)
    }

    @Test func currentHeadersPeekWithoutCharging() async throws {
        let ac = AdmissionControl(configuration: LimitsConfiguration(rateLimits: [
            try RateLimitRule(scope: .principal, requestsPerMinute: 10, tokensPerMinute: 1000),
            try RateLimitRule(scope: .model, match: "big", requestsPerMinute: 3),
        ]), clock: clock)
        _ = try await ac.admit(alice, tokens: 100)
        let peek = await ac.currentHeaders(for: alice, model: nil)
        #expect(Fixture.header(peek, "x-ratelimit-remaining-requests") == "9")
        #expect(Fixture.header(peek, "x-ratelimit-remaining-tokens") == "900")
        #expect(Fixture.header(await ac.currentHeaders(for: alice, model: nil), "x-ratelimit-remaining-requests") == "9")
        // With the model, its (tighter) bucket is the one reported.
        #expect(Fixture.header(await ac.currentHeaders(for: alice, model: Fixture.model("big")), "x-ratelimit-limit-requests") == "3")
        #expect(await ac.currentHeaders(for: alice, model: nil).isEmpty == false)
        let unlimited = AdmissionControl(configuration: LimitsConfiguration(), clock: clock)
        #expect(await unlimited.currentHeaders(for: alice, model: nil).isEmpty)
    }

    @Test func aCacheHitCountsAgainstRateLimitsNotBudgets() async throws {
        let ac = AdmissionControl(configuration: LimitsConfiguration(
            rateLimits: [try RateLimitRule(scope: .principal, requestsPerMinute: 10, tokensPerMinute: 1000)],
            budgets: [try BudgetRule(scope: .principal, daily: 1)]), clock: clock)
        let hit = try await ac.admit(alice, model: Fixture.model("m", input: 1, output: 1), tokens: 50, chargeBudget: false)
        #expect(hit.chargedBudget == false && hit.reservedCost == 0)
        await ac.settle(hit, usage: TokenUsage(inputTokens: 50, outputTokens: 150))
        let usage = try await ac.usage(for: alice)
        #expect(usage.rateLimits.first?.tokens?.remaining == 800)
        #expect(usage.rateLimits.first?.requests?.remaining == 9)
        #expect(usage.budgets.first?.spent == 0)
    }

    @Test func anActiveBucketSurvivesAFloodOfNewKeys() async throws {
        // 64 keys at most (one shard); every bucket stays active (a minute of debt), so only LRU decides.
        let ac = AdmissionControl(configuration: LimitsConfiguration(
            rateLimits: [try RateLimitRule(scope: .principal, requestsPerMinute: 2)], maxKeys: 64), clock: clock)
        _ = try await ac.admit(alice)
        _ = try await ac.admit(alice)
        for i in 0..<500 {
            _ = try await ac.admit(Fixture.principal("flood-\(i)"))
            if i % 20 == 0 {
                // Alice keeps calling (and stays refused): her bucket is recently used and never evicted.
                #expect(await refusal { try await ac.admit(alice) } != nil, "alice's limit was reset by eviction at \(i)")
            }
            clock.advance(seconds: 0.01)
        }
        #expect(ac.evictedActiveBuckets > 0)
        #expect(ac.trackedBuckets <= 64)
    }

    @Test func injectedStoresAreTheOnesUsed() async throws {
        final class CountingBudgets: BudgetStore {
            let inner = InMemoryBudgetStore()
            let reservations = Atomic(0)
            func reserve(_ targets: [BudgetTarget], amount: Int64) -> BudgetTarget? {
                reservations.wrappingAdd(1, ordering: .relaxed)
                return inner.reserve(targets, amount: amount)
            }
            func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64) { inner.settle(targets, reserved: reserved, actual: actual) }
            func release(_ targets: [BudgetTarget], reserved: Int64) { inner.release(targets, reserved: reserved) }
            func account(_ key: LedgerKey) -> Account { inner.account(key) }
            func forgetEnded(currentDay: Int64, currentMonth: Int64) { inner.forgetEnded(currentDay: currentDay, currentMonth: currentMonth) }
        }
        let budgets = CountingBudgets()
        let config = LimitsConfiguration(budgets: [try BudgetRule(scope: .principal, daily: 1)])
        let ac = AdmissionControl(configuration: config, clock: clock, buckets: InMemoryRateLimitStore(maxKeys: 10), budgets: budgets)
        _ = try await ac.admit(alice, model: Fixture.model("m", input: 1, output: 1))
        #expect(budgets.reservations.load(ordering: .relaxed) == 1)

        final class RecordingCache: AnswerCacheStore {
            let inner = InMemoryResponseCacheStore(maxEntries: 10, maxBytes: 1 << 20)
            let puts = Atomic(0)
            func get(_ key: CacheKey, now: Int64) -> CacheLookup { inner.get(key, now: now) }
            func put(_ key: CacheKey, _ response: CachedAnswer, expiresAt: Int64) -> Int? {
                puts.wrappingAdd(1, ordering: .relaxed)
                return inner.put(key, response, expiresAt: expiresAt)
            }
            func removeAll() { inner.removeAll() }
            var entryCount: Int { inner.entryCount }
            var byteCount: Int { inner.byteCount }
        }
        let store = RecordingCache()
        let cache = AnswerCache(configuration: CacheConfiguration(enabled: true), clock: clock, store: store)
        let key = cache.key(scope: .principal(alice), model: "m", operation: .chatCompletions, body: ["a": 1])
        await cache.store(key, CachedAnswer(payload: .complete(body: [1]), usage: TokenUsage()))
        #expect(await cache.lookup(key) != nil)
        #expect(store.puts.load(ordering: .relaxed) == 1 && cache.stats.entries == 1)
    }
}
