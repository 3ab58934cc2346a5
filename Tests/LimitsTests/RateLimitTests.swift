import Core
import Testing
@testable import Limits

@Suite struct RateLimitTests {
    let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
    let alice = Fixture.principal("alice", groups: ["eng"], tenant: "acme")
    let bob = Fixture.principal("bob", groups: ["eng"], tenant: "acme")

    func control(_ rules: [RateLimitRule], maxKeys: Int = 100_000) -> AdmissionControl {
        AdmissionControl(configuration: LimitsConfiguration(rateLimits: rules, maxKeys: maxKeys), clock: clock)
    }

    @Test func requestLimitCountsDownAndResetsOnTime() async throws {
        let ac = control([try RateLimitRule(scope: .principal, requestsPerMinute: 60)])
        let first = try await ac.admit(alice)
        #expect(Fixture.header(first.headers, "x-ratelimit-limit-requests") == "60")
        #expect(Fixture.header(first.headers, "x-ratelimit-remaining-requests") == "59")
        #expect(Fixture.header(first.headers, "x-ratelimit-reset-requests") == "1s")
        #expect(Fixture.header(first.headers, "x-ratelimit-limit-tokens") == nil)
        var last = first
        for _ in 2...60 { last = try await ac.admit(alice) }
        #expect(Fixture.header(last.headers, "x-ratelimit-remaining-requests") == "0")
        #expect(Fixture.header(last.headers, "x-ratelimit-reset-requests") == "1m0s")

        let refused = try #require(await refusal { try await ac.admit(alice) })
        #expect(refused.kind == .rateLimitRequests)
        #expect(refused.errorCode == "rate_limit_exceeded")
        #expect(refused.errorType == "requests")
        #expect(refused.scope == "principal")
        #expect(refused.retryAfterSeconds == 1)
        #expect(Fixture.header(refused.headers, "retry-after") == "1")
        #expect(Fixture.header(refused.headers, "retry-after-ms") == "1000")
        #expect(refused.retryable)
        #expect(Fixture.header(refused.headers, "x-should-retry") == nil)
        #expect(Fixture.header(refused.headers, "x-ratelimit-remaining-requests") == "0")
        #expect(!refused.message.contains("alice"))

        clock.advance(seconds: 0.5)
        let half = try #require(await refusal { try await ac.admit(alice) })
        #expect(Fixture.header(half.headers, "retry-after-ms") == "500")
        clock.advance(seconds: 0.5)
        let again = try await ac.admit(alice)
        #expect(Fixture.header(again.headers, "x-ratelimit-remaining-requests") == "0")

        clock.advance(seconds: 60)
        let fresh = try await ac.admit(alice)
        #expect(Fixture.header(fresh.headers, "x-ratelimit-remaining-requests") == "59")
        // Bob has his own bucket.
        let b = try await ac.admit(bob)
        #expect(Fixture.header(b.headers, "x-ratelimit-remaining-requests") == "59")
    }

    @Test func tokensAreEstimatedThenCorrectedByReportedUsage() async throws {
        let ac = control([try RateLimitRule(scope: .principal, tokensPerMinute: 1000)])
        let a = try await ac.admit(alice, tokens: 100)
        #expect(Fixture.header(a.headers, "x-ratelimit-remaining-tokens") == "900")
        #expect(Fixture.header(a.headers, "x-ratelimit-reset-tokens") == "6s")
        await ac.settle(a, usage: TokenUsage(inputTokens: 120, outputTokens: 380))
        #expect(try await ac.usage(for: alice).rateLimits.first?.tokens?.remaining == 500)
        await ac.settle(a, usage: TokenUsage(inputTokens: 5000, outputTokens: 5000))  // second settle: no effect
        #expect(try await ac.usage(for: alice).rateLimits.first?.tokens?.remaining == 500)

        let refused = try #require(await refusal { try await ac.admit(alice, tokens: 600) })
        #expect(refused.kind == .rateLimitTokens)
        #expect(refused.errorType == "tokens")
        #expect(refused.retryAfterSeconds == 6)  // 100 tokens × 60 ms
        #expect(Fixture.header(refused.headers, "x-ratelimit-remaining-tokens") == "500")

        // Over-reporting pushes the bucket into debt: nothing is admitted until it drains.
        let b = try await ac.admit(alice, tokens: 100)
        await ac.settle(b, usage: TokenUsage(inputTokens: 100, outputTokens: 1000))
        #expect(await refusal { try await ac.admit(alice, tokens: 1) }?.kind == .rateLimitTokens)
        // 1600 tokens outstanding = 96 s of backlog at 60 ms per token.
        clock.advance(seconds: 60)
        #expect(try await ac.usage(for: alice).rateLimits.first?.tokens?.remaining == 400)
        clock.advance(seconds: 36)
        #expect(try await ac.usage(for: alice).rateLimits.first?.tokens?.remaining == 1000)
    }

    @Test func releaseGivesBackTheTokenEstimateButNotTheRequest() async throws {
        let ac = control([try RateLimitRule(scope: .principal, requestsPerMinute: 10, tokensPerMinute: 1000)])
        let a = try await ac.admit(alice, tokens: 400)
        await ac.release(a)
        let w = try #require(try await ac.usage(for: alice).rateLimits.first)
        #expect(w.tokens?.remaining == 1000)
        #expect(w.requests?.remaining == 9)
    }

    @Test func requestLargerThanTheTokenLimitIsRefusedAsTooLarge() async throws {
        let ac = control([try RateLimitRule(scope: .principal, tokensPerMinute: 1000)])
        let r = try #require(await refusal { try await ac.admit(alice, tokens: 1001) })
        #expect(r.kind == .rateLimitTokens)
        #expect(r.message.hasPrefix("Request too large"))
        #expect(Fixture.header(r.headers, "x-should-retry") == "false")
        #expect(try await ac.usage(for: alice).rateLimits.first?.tokens?.remaining == 1000)
    }

    @Test func groupTenantAndModelBucketsAreShared() async throws {
        let ac = control([
            try RateLimitRule(scope: .group, match: "eng", requestsPerMinute: 3),
            try RateLimitRule(scope: .tenant, match: "*", requestsPerMinute: 100),
            try RateLimitRule(scope: .model, match: "big", requestsPerMinute: 2),
        ])
        _ = try await ac.admit(alice)
        _ = try await ac.admit(bob)
        let third = try await ac.admit(bob)
        #expect(Fixture.header(third.headers, "x-ratelimit-remaining-requests") == "0")
        let r = try #require(await refusal { try await ac.admit(alice) })
        #expect(r.scope == "group")
        // Someone outside the group is unaffected by it, but shares the model bucket.
        let carol = Fixture.principal("carol", groups: ["ops"], tenant: "acme")
        let big = Fixture.model("big")
        _ = try await ac.admit(carol, model: big)
        let dave = Fixture.principal("dave", tenant: "other")
        _ = try await ac.admit(dave, model: big)
        #expect(await refusal { try await ac.admit(carol, model: big) }?.scope == "model")
        // The tenant bucket counted carol's two attempts minus the refused one; the refused request was undone.
        let acme = try #require(try await ac.usage(for: carol).rateLimits.first { $0.scope == "tenant" })
        #expect(acme.requests?.remaining == 100 - 4)
    }

    @Test func exactMatchBeatsWildcardAndPrincipalModelIsPerPair() async throws {
        let ac = control([
            try RateLimitRule(scope: .principal, match: "*", requestsPerMinute: 2),
            try RateLimitRule(scope: .principal, match: "alice", requestsPerMinute: 5),
            try RateLimitRule(scope: .principalModel, match: "*", requestsPerMinute: 1),
        ])
        _ = try await ac.admit(alice, model: Fixture.model("m1"))
        _ = try await ac.admit(alice, model: Fixture.model("m2"))
        let third = try await ac.admit(alice, model: Fixture.model("m3"))
        #expect(Fixture.header(third.headers, "x-ratelimit-remaining-requests") == "0")  // m3 pair bucket
        #expect(await refusal { try await ac.admit(alice, model: Fixture.model("m1")) }?.scope == "principal_model")
        _ = try await ac.admit(bob, model: Fixture.model("m1"))
        _ = try await ac.admit(bob, model: Fixture.model("m2"))
        #expect(await refusal { try await ac.admit(bob, model: Fixture.model("m3")) }?.scope == "principal")
        #expect(try await ac.usage(for: alice).rateLimits.first?.requests?.limit == 5)
    }

    @Test func policyObligationTightensButNeverLoosens() async throws {
        let ac = control([try RateLimitRule(scope: .principal, requestsPerMinute: 3)])
        let strict = Obligations(requestsPerMinute: 1)
        let a = try await ac.admit(alice, obligations: strict)
        #expect(Fixture.header(a.headers, "x-ratelimit-limit-requests") == "1")
        #expect(Fixture.header(a.headers, "x-ratelimit-remaining-requests") == "0")
        let r = try #require(await refusal { try await ac.admit(alice, obligations: strict) })
        #expect(r.scope == "policy")
        #expect(r.retryAfterSeconds == 60)
        _ = try await ac.admit(alice)  // without the obligation: the configured limit (1 of 3 used, the refusal undone)
        let loose = Obligations(requestsPerMinute: 1000)
        let last = try await ac.admit(alice, obligations: loose)
        #expect(Fixture.header(last.headers, "x-ratelimit-remaining-requests") == "0")
        #expect(await refusal { try await ac.admit(alice, obligations: loose) }?.scope == "principal")
    }

    @Test func refusalByALaterBucketUndoesEarlierCharges() async throws {
        let ac = control([
            try RateLimitRule(scope: .principal, requestsPerMinute: 10, tokensPerMinute: 10_000),
            try RateLimitRule(scope: .model, match: "*", requestsPerMinute: 1),
        ])
        _ = try await ac.admit(bob, tokens: 50)
        for _ in 0..<5 { _ = await refusal { try await ac.admit(alice, tokens: 50) } }
        let w = try #require(try await ac.usage(for: alice).rateLimits.first)
        #expect(w.requests?.remaining == 10)
        #expect(w.tokens?.remaining == 10_000)
    }

    @Test func noRulesMeansNoHeadersAndNoState() async throws {
        let ac = control([])
        let a = try await ac.admit(alice)
        #expect(a.headers.isEmpty)
        #expect(ac.trackedBuckets == 0)
        #expect(ac.openAdmissions == 0)
    }

    @Test func idleBucketsAreEvictedAndMemoryStaysBounded() async throws {
        let ac = control([try RateLimitRule(scope: .principal, requestsPerMinute: 60)], maxKeys: 64)
        for _ in 0..<60 { _ = try await ac.admit(alice) }  // 60 s of backlog
        for i in 0..<1000 {
            // Each caller's bucket is full again 1 s later, so about 20 are active at any time.
            _ = try await ac.admit(Fixture.principal("user-\(i)"))
            clock.advance(seconds: 0.05)
            #expect(ac.trackedBuckets <= 64)
        }
        #expect(ac.evictedActiveBuckets == 0)
        // Alice's state survived every sweep: 60 used, 50 s replenished.
        #expect(try await ac.usage(for: alice).rateLimits.first?.requests?.remaining == 50)
    }

    @Test func whenEveryBucketIsActiveTheBoundStillHolds() async throws {
        let ac = control([try RateLimitRule(scope: .principal, requestsPerMinute: 60)], maxKeys: 64)
        for i in 0..<1000 { _ = try await ac.admit(Fixture.principal("user-\(i)")) }
        #expect(ac.trackedBuckets <= 64)
        #expect(ac.evictedActiveBuckets >= 1000 - 64)
    }

    @Test func concurrentAdmissionsNeverExceedTheRequestLimit() async throws {
        let ac = control([try RateLimitRule(scope: .group, match: "eng", requestsPerMinute: 25)])
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                let p = Fixture.principal("u\(i)", groups: ["eng"])
                group.addTask { (try? await ac.admit(p)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 25)
    }

    @Test func absurdNumbersNeitherCrashNorCreateCredit() async throws {
        let ac = AdmissionControl(
            configuration: LimitsConfiguration(
                rateLimits: [try RateLimitRule(scope: .principal, requestsPerMinute: 100, tokensPerMinute: 1000)],
                budgets: [try BudgetRule(scope: .principal, daily: 1)]),
            clock: clock)
        let priced = Fixture.model(input: 1_000, output: 1_000)
        let negative = try await ac.admit(alice, model: priced, tokens: -5000, maxTokens: -5)
        #expect(negative.maxTokens == 0)
        #expect(Fixture.header(negative.headers, "x-ratelimit-remaining-tokens") == "1000")
        await ac.settle(negative, usage: TokenUsage(inputTokens: -100_000, outputTokens: -100_000))
        let w = try #require(try await ac.usage(for: alice).rateLimits.first)
        #expect(w.tokens?.remaining == 1000)
        #expect(try await ac.usage(for: alice).budgets.first?.spent == 0)

        #expect(await refusal { try await ac.admit(alice, model: priced, tokens: .max, maxTokens: .max) }?.kind == .rateLimitTokens)
        let huge = try await ac.admit(alice, model: priced, tokens: 1, maxTokens: 1)
        await ac.settle(huge, usage: TokenUsage(inputTokens: .max, outputTokens: .max))
        #expect(await refusal { try await ac.admit(alice, model: priced, tokens: 1, maxTokens: 1) }?.kind == .rateLimitTokens)
        #expect(try await ac.usage(for: alice).budgets.first?.remaining == 0)
    }

    @Test func principalsWithHashInIdsDoNotShareBuckets() async throws {
        let ac = control([try RateLimitRule(scope: .principal, requestsPerMinute: 1)])
        _ = try await ac.admit(Fixture.principal("b#c", issuer: "a"))
        _ = try await ac.admit(Fixture.principal("c", issuer: "a#b"))  // same Principal.id "a#b#c"
    }
}
