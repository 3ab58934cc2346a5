import Core
import Testing
@testable import Limits

@Suite struct BudgetTests {
    let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
    let alice = Fixture.principal("alice", groups: ["eng"], tenant: "acme")
    /// 1000 input tokens at 1/M + 1000 output tokens at 2/M = 0.003 per worst case.
    let model = Fixture.model("priced", input: 1, output: 2)

    func control(_ budgets: [BudgetRule], rates: [RateLimitRule] = [], defaultMaxTokens: Int = 4096) -> AdmissionControl {
        AdmissionControl(
            configuration: LimitsConfiguration(rateLimits: rates, budgets: budgets, currency: "EUR", defaultMaxTokens: defaultMaxTokens),
            clock: clock)
    }

    @Test func twoHundredConcurrentRequestsAgainstABudgetForTen() async throws {
        let ac = control([try BudgetRule(scope: .tenant, match: "acme", daily: 0.03)])
        let model = self.model
        let results = await withTaskGroup(of: Result<Grant, LimitRefusal>.self) { group in
            for i in 0..<200 {
                let p = Fixture.principal("user-\(i)", tenant: "acme")
                group.addTask {
                    do throws(LimitRefusal) {
                        return .success(try await ac.admit(p, model: model, tokens: 1000, maxTokens: 1000))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let admitted = results.compactMap { try? $0.get() }
        #expect(admitted.count == 10)
        let refusals = results.compactMap { r -> LimitRefusal? in if case .failure(let e) = r { e } else { nil } }
        #expect(refusals.count == 190)
        #expect(refusals.allSatisfy { $0.kind == .budgetExhausted && $0.errorCode == "insufficient_quota" })
        #expect(refusals.allSatisfy { $0.errorType == "insufficient_quota" && $0.period == .day && $0.scope == "tenant" })
        #expect(admitted.allSatisfy { $0.reservedCost == 0.003 && $0.currency == "EUR" && $0.maxTokens == 1000 })

        let member = Fixture.principal("user-0", tenant: "acme")
        let held = try #require(try await ac.usage(for: member).budgets.first)
        #expect(held.reserved == 0.03)
        #expect(held.remaining == 0)

        // Settling at half the worst case frees room for exactly five more.
        for a in admitted { await ac.settle(a, usage: TokenUsage(inputTokens: 500, outputTokens: 500)) }
        let after = try #require(try await ac.usage(for: member).budgets.first)
        #expect(after.spent == 0.015)
        #expect(after.reserved == 0)
        var more = 0
        while (try? await ac.admit(member, model: model, tokens: 1000, maxTokens: 1000)) != nil { more += 1 }
        #expect(more == 5)
    }

    @Test func concurrentAdmitSettleAndReleaseKeepTheBooksExact() async throws {
        let ac = control(
            [try BudgetRule(scope: .group, match: "eng", daily: 1_000)],
            rates: [try RateLimitRule(scope: .group, match: "eng", tokensPerMinute: 10_000_000)])
        let model = self.model
        // 400 concurrent calls; every third fails and is released, the rest settle at
        // 100 input + 10 × (i % 7) output tokens.
        let settled = await withTaskGroup(of: Int64.self) { group in
            for i in 0..<400 {
                let p = Fixture.principal("u\(i % 13)", groups: ["eng"])
                group.addTask {
                    guard let a = try? await ac.admit(p, model: model, tokens: 100, maxTokens: 100) else { return -1 }
                    if i % 3 == 0 {
                        await ac.release(a)
                        return 0
                    }
                    let usage = TokenUsage(inputTokens: 100, outputTokens: 10 * (i % 7))
                    await ac.settle(a, usage: usage)
                    return TokenPrice(ModelDescriptor(name: "m", provider: "p", upstreamModel: "m", inputPricePerMillion: 1, outputPricePerMillion: 2)).costNanos(TokenUsage(inputTokens: 100, outputTokens: usage.outputTokens))
                }
            }
            return await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(!settled.contains(-1))
        let expected = Money.amount(settled.reduce(0, +))
        let books = try #require(try await ac.usage(for: Fixture.principal("u0", groups: ["eng"])).budgets.first)
        #expect(books.reserved == 0)
        #expect(books.spent == expected)
        #expect(ac.openAdmissions == 0)
        // Tokens: released calls gave their estimate back; settled ones count input + output.
        let outputTokens = (0..<400).filter { $0 % 3 != 0 }.reduce(0) { $0 + 10 * ($1 % 7) }
        let used = 100 * (0..<400).filter { $0 % 3 != 0 }.count + outputTokens
        let tokens = try #require(try await ac.usage(for: Fixture.principal("u0", groups: ["eng"])).rateLimits.first?.tokens)
        #expect(tokens.remaining == 10_000_000 - used)
    }

    @Test func dailyBudgetRollsOverAtUTCMidnight() async throws {
        clock.set(secondsSinceEpoch: 1_773_532_799)  // 2026-03-14T23:59:59Z
        let ac = control([try BudgetRule(scope: .principal, daily: 0.003)])
        let a = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        let r = try #require(await refusal { try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000) })
        #expect(r.kind == .budgetExhausted)
        #expect(r.retryAfterSeconds == 1)
        #expect(!r.retryable)
        #expect(Fixture.header(r.headers, "x-should-retry") == "false")
        #expect(r.message.contains("2026-03-15T00:00:00Z"))
        #expect(!r.message.contains("alice"))
        clock.advance(seconds: 1)
        let b = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        // Yesterday's admission settles against yesterday: today's account is untouched by it.
        await ac.settle(a, usage: TokenUsage(inputTokens: 1000, outputTokens: 1000))
        let today = try #require(try await ac.usage(for: alice).budgets.first)
        #expect(today.periodStart == "2026-03-15T00:00:00Z")
        #expect(today.periodEnd == "2026-03-16T00:00:00Z")
        #expect(today.reserved == 0.003)
        #expect(today.spent == 0)
        await ac.release(b)
        #expect(try await ac.usage(for: alice).budgets.first?.remaining == 0.003)
    }

    @Test func monthlyBudgetRollsOverOnTheFirst() async throws {
        clock.set(secondsSinceEpoch: 1_709_164_800)  // 2024-02-29T00:00:00Z, leap year
        let ac = control([try BudgetRule(scope: .group, match: "*", monthly: 0.003)])
        _ = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        let r = try #require(await refusal { try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000) })
        #expect(r.period == .month)
        #expect(r.scope == "group")
        #expect(r.retryAfterSeconds == 86_400)
        let report = try #require(try await ac.usage(for: alice).budgets.first)
        #expect(report.periodStart == "2024-02-01T00:00:00Z")
        #expect(report.periodEnd == "2024-03-01T00:00:00Z")
        #expect(report.name == "eng")
        clock.advance(seconds: 86_400)
        _ = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
    }

    @Test func everyApplicableBudgetMustFitOrNoneIsReserved() async throws {
        let ac = control([
            try BudgetRule(scope: .principal, daily: 1),
            try BudgetRule(scope: .group, match: "eng", daily: 0.004),
        ])
        _ = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        #expect(await refusal { try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000) }?.scope == "group")
        let own = try #require(try await ac.usage(for: alice).budgets.first { $0.scope == "principal" })
        #expect(own.reserved == 0.003)
    }

    @Test func reservationUsesTheSmallestCapOrTheDefault() async throws {
        let ac = control([try BudgetRule(scope: .principal, daily: 100)], defaultMaxTokens: 2000)
        let capped = Fixture.model("capped", input: 1, output: 2, maxOutput: 500)
        #expect(try await ac.admit(alice, model: capped, tokens: 0, maxTokens: nil).maxTokens == 500)
        #expect(try await ac.admit(alice, model: capped, tokens: 0, maxTokens: 8000).maxTokens == 500)
        #expect(try await ac.admit(alice, model: capped, tokens: 0, maxTokens: 100).maxTokens == 100)
        let policy = Obligations(maxTokens: 300)
        #expect(try await ac.admit(alice, model: capped, tokens: 0, maxTokens: nil, obligations: policy).maxTokens == 300)
        let open = try await ac.admit(alice, model: model, tokens: 0, maxTokens: nil)
        #expect(open.maxTokens == 2000)
        #expect(open.reservedCost == 0.004)
    }

    @Test func cacheHitsDoNotTouchBudgetsButCountAgainstRateLimits() async throws {
        let ac = control(
            [try BudgetRule(scope: .principal, daily: 0.003)],
            rates: [try RateLimitRule(scope: .principal, requestsPerMinute: 3)])
        _ = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        let hit = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000, chargeBudget: false)
        #expect(!hit.chargedBudget)
        #expect(hit.reservedCost == 0)
        await ac.settle(hit, usage: TokenUsage(inputTokens: 1000, outputTokens: 1000))
        #expect(try await ac.usage(for: alice).budgets.first?.spent == 0)
        let third = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000, chargeBudget: false)
        #expect(Fixture.header(third.headers, "x-ratelimit-remaining-requests") == "0")
        #expect(await refusal { try await ac.admit(alice, model: model, chargeBudget: false) }?.kind == .rateLimitRequests)
    }

    @Test func budgetRefusalUndoesRateLimitCharges() async throws {
        let ac = control(
            [try BudgetRule(scope: .principal, daily: 0.001)],
            rates: [try RateLimitRule(scope: .principal, requestsPerMinute: 10, tokensPerMinute: 100_000)])
        let r = try #require(await refusal { try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000) })
        #expect(r.kind == .budgetExhausted)
        #expect(Fixture.header(r.headers, "x-ratelimit-remaining-requests") == "10")
        #expect(try await ac.usage(for: alice).rateLimits.first?.tokens?.remaining == 100_000)
    }

    @Test func settleAndReleaseTakeEffectOnce() async throws {
        let ac = control([try BudgetRule(scope: .principal, daily: 1)])
        let a = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        await ac.settle(a, usage: TokenUsage(inputTokens: 1000, outputTokens: 0))
        await ac.settle(a, usage: TokenUsage(inputTokens: 1000, outputTokens: 0))
        await ac.release(a)
        let b = try #require(try await ac.usage(for: alice).budgets.first)
        #expect(b.spent == 0.001)
        #expect(b.reserved == 0)
        #expect(ac.openAdmissions == 0)
    }

    @Test func anotherInstanceIgnoresAnAdmission() async throws {
        let old = control([try BudgetRule(scope: .principal, daily: 1)])
        let new = control([try BudgetRule(scope: .principal, daily: 1)])
        let a = try await new.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        let stale = try await old.admit(alice, model: model, tokens: 10, maxTokens: 10)
        #expect(a.id == stale.id)
        await new.settle(stale, usage: TokenUsage(inputTokens: 1, outputTokens: 0))
        await new.release(stale)
        #expect(new.openAdmissions == 1)
        #expect(try await new.usage(for: alice).budgets.first?.reserved == 0.003)
    }

    @Test func usageAboveTheReservationIsChargedInFull() async throws {
        let ac = control([try BudgetRule(scope: .principal, daily: 0.004)])
        let a = try await ac.admit(alice, model: model, tokens: 10, maxTokens: 10)
        await ac.settle(a, usage: TokenUsage(inputTokens: 5000, outputTokens: 0))  // the estimate was far off
        let b = try #require(try await ac.usage(for: alice).budgets.first)
        #expect(b.spent == 0.005)
        #expect(b.remaining == 0)
        #expect(await refusal { try await ac.admit(alice, model: model, tokens: 1, maxTokens: 1) }?.kind == .budgetExhausted)
    }

    @Test func abandonedReservationsAreChargedAtWorstCaseAfterTheTimeout() async throws {
        let ac = AdmissionControl(
            configuration: LimitsConfiguration(budgets: [try BudgetRule(scope: .principal, daily: 0.006)], reservationTimeoutSeconds: 120),
            clock: clock)
        let abandoned = try await ac.admit(alice, model: model, tokens: 1000, maxTokens: 1000)
        clock.advance(seconds: 100)
        await ac.release(try await ac.admit(alice, model: model, tokens: 0, maxTokens: 0))  // sweep runs, nothing old enough yet
        #expect(ac.openAdmissions == 1)
        // Closed by the once-a-minute sweep after the timeout (at most a minute late).
        clock.advance(seconds: 80)
        await ac.release(try await ac.admit(alice, model: model, tokens: 0, maxTokens: 0))
        #expect(ac.openAdmissions == 0)
        let b = try #require(try await ac.usage(for: alice).budgets.first)
        #expect(b.spent == 0.003)
        #expect(b.reserved == 0)
        await ac.settle(abandoned, usage: TokenUsage(inputTokens: 1, outputTokens: 1))  // too late: no double charge
        #expect(try await ac.usage(for: alice).budgets.first?.spent == 0.003)
    }

    @Test func freeModelsPassAnExhaustedBudget() async throws {
        let ac = control([try BudgetRule(scope: .principal, daily: 0)])
        let free = Fixture.model("free")
        let a = try await ac.admit(alice, model: free, tokens: 1000, maxTokens: 1000)
        #expect(a.reservedCost == 0)
        #expect(await refusal { try await ac.admit(alice, model: model, tokens: 1, maxTokens: 1) }?.kind == .budgetExhausted)
    }
}
