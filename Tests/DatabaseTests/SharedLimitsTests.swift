import Core
import Database
import Foundation
import MCP
import Testing

@testable import Identity
@testable import Limits

/// Rate limits, budgets, the answer cache, DPoP proofs and tool pins shared through PostgreSQL: two "replicas"
/// (two admission controls, two stores, two connection pools) on one database behave as one.
@Suite(.enabled(if: TestDatabase.available)) struct SharedLimitsTests {
    let clock = ManualClock(secondsSinceEpoch: 1_773_489_600)

    func replicas(rates: [RateLimitRule] = [], budgets: [BudgetRule] = []) async throws -> [AdmissionControl] {
        let dbs = try await TestDatabase.fresh(replicas: ["r1", "r2"])
        var controls: [AdmissionControl] = []
        for db in dbs {
            controls.append(AdmissionControl(
                configuration: LimitsConfiguration(rateLimits: rates, budgets: budgets, currency: "USD"), clock: clock,
                buckets: try await PostgresRateLimitStore(database: db), budgets: try await PostgresBudgetStore(database: db)))
        }
        return controls
    }

    static func admitAll(_ controls: [AdmissionControl], count: Int, principal: @escaping @Sendable (Int) -> Principal, model: ModelDescriptor) async -> [Grant] {
        await withTaskGroup(of: Grant?.self) { group in
            for i in 0..<count {
                let control = controls[i % controls.count]
                group.addTask {
                    try? await control.admit(
                        principal: principal(i), model: model, estimatedInputTokens: 1000, maxTokens: 1000, obligations: .none, chargeBudget: true)
                }
            }
            return await group.reduce(into: []) { if let g = $1 { $0.append(g) } }
        }
    }

    @Test func aBudgetForTenAdmitsTenOfTwoHundredAcrossReplicas() async throws {
        // 1000 input tokens at 1/M + 1000 output tokens at 2/M = 0.003 per worst case; 0.03 holds ten.
        let controls = try await replicas(budgets: [try BudgetRule(scope: .tenant, match: "acme", daily: 0.03)])
        let model = ModelDescriptor(name: "priced", provider: "mock", upstreamModel: "priced", inputPricePerMillion: 1, outputPricePerMillion: 2)
        let granted = await Self.admitAll(controls, count: 200, principal: {
            Principal(issuer: "https://idp.example", subject: "user-\($0)", kind: .user, tenant: "acme")
        }, model: model)
        #expect(granted.count == 10)
        // Settling at the real cost frees the rest of each reservation for the next calls.
        // (Only the control that issued a grant settles it; the other ignores it.)
        for g in granted {
            for c in controls { await c.settle(g, usage: TokenUsage(inputTokens: 1000, outputTokens: 0)) }
        }
        let more = await Self.admitAll(controls, count: 50, principal: {
            Principal(issuer: "https://idp.example", subject: "later-\($0)", kind: .user, tenant: "acme")
        }, model: model)
        // 10 × 0.001 spent; 0.02 left holds six more worst cases.
        #expect(more.count == 6)
    }

    @Test func concurrentSettlementsOfOneAccountAddUpExactly() async throws {
        // Reservations, settlements and releases of one account from both replicas at once go in batches (one
        // read and one compare-and-swap per batch, the row lock when the other replica came between): the
        // account must end exactly at the sum of the real costs, with nothing left reserved.
        let controls = try await replicas(budgets: [try BudgetRule(scope: .tenant, match: "acme", daily: 1)])
        let model = ModelDescriptor(name: "priced", provider: "mock", upstreamModel: "priced", inputPricePerMillion: 1, outputPricePerMillion: 2)
        let principal: @Sendable (Int) -> Principal = { Principal(issuer: "https://idp.example", subject: "user-\($0)", kind: .user, tenant: "acme") }
        let grants = await withTaskGroup(of: (Int, Grant?).self) { group in
            for i in 0..<120 {
                group.addTask {
                    (i, try? await controls[i % 2].admit(
                        principal: principal(i), model: model, estimatedInputTokens: 1000, maxTokens: 1000, obligations: .none, chargeBudget: true))
                }
            }
            return await group.reduce(into: [(Int, Grant)]()) { if let g = $1.1 { $0.append(($1.0, g)) } }
        }
        #expect(grants.count == 120)  // 120 × 0.003 fits in 1
        await withTaskGroup(of: Void.self) { group in
            for (i, g) in grants {
                // Odd ones used 1000 input tokens (0.001); even ones were abandoned (released, nothing spent).
                group.addTask {
                    if i % 2 == 1 {
                        await controls[i % 2].settle(g, usage: TokenUsage(inputTokens: 1000, outputTokens: 0))
                    } else {
                        await controls[i % 2].release(g)
                    }
                }
            }
        }
        let usage = try await controls[0].usage(for: principal(0))
        let tenant = try #require(usage.budgets.first { $0.scope == "tenant" })
        #expect(tenant.reserved == 0)
        #expect(tenant.spent == 0.06)
    }

    @Test func aRateLimitAndABudgetGiveBackWhatTheOtherRefused() async throws {
        // A call refused by the rate limit reserves nothing, and one refused by the budget gives its request back.
        // 40 concurrent calls of one user: the budget holds 10 worst cases (0.03), the rate limit 6 per minute —
        // 6 admitted, the tenant's account holds exactly their six reservations, and the bucket exactly their six
        // requests. (Checking both at once let the 34 calls over the rate hold the budget long enough to refuse
        // the 6 within it: 1 of 40 admitted.)
        let controls = try await replicas(
            rates: [try RateLimitRule(scope: .principal, requestsPerMinute: 6)],
            budgets: [try BudgetRule(scope: .tenant, match: "acme", daily: 0.03)])
        let model = ModelDescriptor(name: "priced", provider: "mock", upstreamModel: "priced", inputPricePerMillion: 1, outputPricePerMillion: 2)
        let alice = Principal(issuer: "https://idp.example", subject: "alice", kind: .user, tenant: "acme")
        let granted = await Self.admitAll(controls, count: 40, principal: { _ in alice }, model: model)
        #expect(granted.count == 6)
        let usage = try await controls[0].usage(for: alice)
        #expect(try #require(usage.budgets.first).reserved == 0.018)
        #expect(usage.rateLimits.first?.requests?.remaining == 0)
        // Budget the tighter one: 4 worst cases left for a second user of the tenant with a fresh bucket.
        let bob = Principal(issuer: "https://idp.example", subject: "bob", kind: .user, tenant: "acme")
        let more = await Self.admitAll(controls, count: 6, principal: { _ in bob }, model: model)
        #expect(more.count == 4)
        let bobs = try await controls[1].usage(for: bob)
        // The two calls refused for the budget gave their requests back.
        #expect(bobs.rateLimits.first?.requests?.remaining == 2)
        #expect(try #require(bobs.budgets.first).reserved == 0.03)
    }

    @Test func severalBudgetsAreReservedInAllOrNone() async throws {
        // The user's own 0.006 holds two worst cases of 0.003; the tenant's 0.03 ten. Two users: four admitted,
        // and the tenant account holds exactly their four reservations (the refused ones reserved nothing anywhere).
        let controls = try await replicas(budgets: [
            try BudgetRule(scope: .tenant, match: "acme", daily: 0.03), try BudgetRule(scope: .principal, match: "*", daily: 0.006),
        ])
        let model = ModelDescriptor(name: "priced", provider: "mock", upstreamModel: "priced", inputPricePerMillion: 1, outputPricePerMillion: 2)
        let granted = await Self.admitAll(controls, count: 40, principal: {
            Principal(issuer: "https://idp.example", subject: "user-\($0 % 2)", kind: .user, tenant: "acme")
        }, model: model)
        #expect(granted.count == 4)
        let usage = try await controls[0].usage(for: Principal(issuer: "https://idp.example", subject: "user-0", kind: .user, tenant: "acme"))
        let tenant = try #require(usage.budgets.first { $0.scope == "tenant" })
        #expect(tenant.reserved == 0.012)
    }

    @Test func aRateLimitIsExactAcrossReplicas() async throws {
        let controls = try await replicas(rates: [try RateLimitRule(scope: .principal, requestsPerMinute: 20)])
        let model = ModelDescriptor(name: "m", provider: "mock", upstreamModel: "m")
        let granted = await Self.admitAll(controls, count: 80, principal: { _ in
            Principal(issuer: "https://idp.example", subject: "alice", kind: .user)
        }, model: model)
        #expect(granted.count == 20)
        // Three seconds later: one more per three seconds (60 s / 20).
        clock.advance(seconds: 3)
        let later = await Self.admitAll(controls, count: 10, principal: { _ in
            Principal(issuer: "https://idp.example", subject: "alice", kind: .user)
        }, model: model)
        #expect(later.count == 1)
    }

    @Test func anMCPToolsLimitsAreSharedAcrossReplicas() async throws {
        // `@requests_per_minute("6") @calls_per_day("10")` on one tool: 40 concurrent calls of alice spread over both
        // replicas admit 6 (the rate); three minutes later 4 more fit the day (the rate would take 6), and then none.
        let tools = try await replicas().map { $0.toolCallLimits() }
        let alice = Principal(issuer: "https://idp.example", subject: "alice", kind: .user)
        let search = ToolCallLimits.Tool(server: "docs", kind: "tool", name: "search")
        func callAll(_ count: Int) async -> [ToolCallLimits.Refusal?] {
            await withTaskGroup(of: ToolCallLimits.Refusal?.self) { group in
                for i in 0..<count { group.addTask { await tools[i % 2].take(alice, search, perMinute: 6, perDay: 10) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        let first = await callAll(40)
        #expect(first.filter { $0 == nil }.count == 6)
        #expect(first.allSatisfy { if case .rate? = $0 { true } else { $0 == nil } })
        clock.advance(seconds: 180)
        let second = await callAll(40)
        #expect(second.filter { $0 == nil }.count == 4)
        #expect(second.contains(.budget(retryAfterSeconds: 43_200 - 180)))  // the clock stands at 12:03 UTC
        #expect(await tools[1].take(alice, search, perMinute: 6, perDay: 10) != nil)
        // Another principal, another tool: their own limits.
        #expect(await tools[0].take(Principal(issuer: "https://idp.example", subject: "bob", kind: .user), search, perMinute: 6, perDay: 10) == nil)
        #expect(await tools[1].take(alice, .init(server: "docs", kind: "tool", name: "fetch"), perMinute: 6, perDay: 10) == nil)
    }

    @Test func unhurriedChargesAlternatingBetweenReplicasAreExactToo() async throws {
        // One at a time: every charge takes the read-and-compare-and-swap path, none the locking one.
        let controls = try await replicas(rates: [try RateLimitRule(scope: .principal, requestsPerMinute: 5, tokensPerMinute: 10_000)])
        let model = ModelDescriptor(name: "m", provider: "mock", upstreamModel: "m")
        let alice = Principal(issuer: "https://idp.example", subject: "alice", kind: .user)
        var admitted = 0
        for i in 0..<12 {
            if let g = try? await controls[i % 2].admit(
                principal: alice, model: model, estimatedInputTokens: 100, maxTokens: 10, obligations: .none, chargeBudget: true) {
                admitted += 1
                await controls[i % 2].settle(g, usage: TokenUsage(inputTokens: 100, outputTokens: 5))
            }
        }
        #expect(admitted == 5)
        let usage = try await controls[1].usage(for: alice)
        #expect(usage.rateLimits.first?.requests?.remaining == 0)
        #expect(usage.rateLimits.first?.tokens?.remaining == 10_000 - 5 * 105)
    }

    @Test func theAnswerCacheIsSharedAndScopedToTheIdentity() async throws {
        let dbs = try await TestDatabase.fresh(replicas: ["r1", "r2"])
        let config = CacheConfiguration(enabled: true, ttlSeconds: 60)
        let r1 = AnswerCache(configuration: config, clock: clock, store: try await PostgresAnswerCacheStore(database: dbs[0], maxEntries: 100))
        let r2 = AnswerCache(configuration: config, clock: clock, store: try await PostgresAnswerCacheStore(database: dbs[1], maxEntries: 100))
        let alice = Principal(issuer: "https://idp.example", subject: "alice", kind: .user)
        let bob = Principal(issuer: "https://idp.example", subject: "bob", kind: .user)
        let body: JSONValue = .object(["model": .string("m"), "messages": .array([.string("hi")])])
        let aliceKey = r1.key(scope: .principal(alice), model: "m", operation: .chatCompletions, body: body)
        let answer = CachedAnswer(payload: .stream(events: [Array("{\"a\":1}".utf8), Array("[DONE]".utf8)]), usage: TokenUsage(inputTokens: 3, outputTokens: 4))
        #expect(await r1.store(aliceKey, answer))
        let hit = try #require(await r2.lookup(r2.key(scope: .principal(alice), model: "m", operation: .chatCompletions, body: body)))
        #expect(hit.payload == answer.payload)
        #expect(hit.usage == answer.usage)
        #expect(await r2.lookup(r2.key(scope: .principal(bob), model: "m", operation: .chatCompletions, body: body)) == nil)
        #expect(await r2.lookup(r2.key(scope: .principal(alice), model: "m", operation: .embeddings, body: body)) == nil)
        // Past its TTL it is not served (whether the lookup finds it expired or the background purge has
        // already deleted it).
        clock.advance(seconds: 61)
        #expect(await r2.lookup(r2.key(scope: .principal(alice), model: "m", operation: .chatCompletions, body: body)) == nil)
    }

    @Test func aDPoPProofUsedOnOneReplicaIsRefusedOnAnother() async throws {
        let dbs = try await TestDatabase.fresh(replicas: ["r1", "r2"])
        let r1 = try await PostgresDPoPReplayStore(database: dbs[0])
        let r2 = try await PostgresDPoPReplayStore(database: dbs[1])
        let digest = DPoPReplayCache.digest(thumbprint: "jkt", jti: "proof-1")
        #expect(try await r1.firstUse(digest, expiresAt: 1060, now: 1000))
        #expect(try await !r2.firstUse(digest, expiresAt: 1060, now: 1001))
        // Once expired, the entry is replaced (the iat window refuses such a proof anyway).
        #expect(try await r2.firstUse(digest, expiresAt: 1200, now: 1100))
    }

    @Test func aToolPinTrustedOnFirstUseByOneReplicaIsInForceOnAnother() async throws {
        let dbs = try await TestDatabase.fresh(replicas: ["r1", "r2"])
        let r1 = try await PostgresToolPinStore(database: dbs[0])
        let r2 = try await PostgresToolPinStore(database: dbs[1])
        let now = Date(timeIntervalSince1970: 1_773_489_600)
        let first = ToolPin(server: "s", tool: "t", hash: "h1", definition: "{}", approvedBy: "first_use", approvedAt: now)
        let second = ToolPin(server: "s", tool: "t", hash: "h2", definition: "{\"x\":1}", approvedBy: "first_use", approvedAt: now)
        #expect(try await r1.pinIfAbsent(first).hash == "h1")
        #expect(try await r2.pinIfAbsent(second).hash == "h1")
        try await r2.recordPending(PendingDefinition(server: "s", tool: "t", hash: "h2", definition: "{\"x\":1}", firstSeen: now, lastSeen: now))
        #expect(try await r1.pending().map(\.hash) == ["h2"])
        try await r1.approve(ToolPin(server: "s", tool: "t", hash: "h2", definition: "{\"x\":1}", approvedBy: "secops", approvedAt: now))
        #expect(try await r2.pin(server: "s", tool: "t")?.hash == "h2")
        #expect(try await r2.pending().isEmpty)
        #expect(try await r2.revoke(server: "s", tool: "t"))
        #expect(try await r1.pins().isEmpty)
    }
}
