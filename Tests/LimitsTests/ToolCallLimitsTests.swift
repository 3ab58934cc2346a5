import Core
import Synchronization
import Testing
@testable import Limits

@Suite("Per-tool call limits")
struct ToolCallLimitsTests {
    let search = ToolCallLimits.Tool(server: "docs", kind: "tool", name: "search")

    @Test func rateAndDailyBudgetPerPrincipalAndTool() async {
        let clock = ManualClock()   // 2026-01-01T00:00:00Z
        let limits = AdmissionControl(configuration: LimitsConfiguration(), clock: clock).toolCallLimits()
        let alice = Fixture.principal("alice"), bob = Fixture.principal("bob"), carol = Fixture.principal("carol")
        for _ in 0..<3 { #expect(await limits.take(alice, search, perMinute: 3, perDay: nil) == nil) }
        guard case .rate(let after)? = await limits.take(alice, search, perMinute: 3, perDay: nil) else { Issue.record("not limited"); return }
        #expect(after >= 1 && after <= 20)
        #expect(await limits.take(bob, search, perMinute: 3, perDay: nil) == nil)
        // Another tool, another server, another kind: buckets of their own.
        #expect(await limits.take(alice, .init(server: "docs", kind: "tool", name: "fetch"), perMinute: 3, perDay: nil) == nil)
        #expect(await limits.take(alice, .init(server: "wiki", kind: "tool", name: "search"), perMinute: 3, perDay: nil) == nil)
        #expect(await limits.take(alice, .init(server: "docs", kind: "prompt", name: "search"), perMinute: 3, perDay: nil) == nil)
        let x = ToolCallLimits.Tool(server: "docs", kind: "tool", name: "x")
        #expect(await limits.take(carol, x, perMinute: nil, perDay: 2) == nil)
        #expect(await limits.take(carol, x, perMinute: nil, perDay: 2) == nil)
        #expect(await limits.take(carol, x, perMinute: nil, perDay: 2) == .budget(retryAfterSeconds: 86_400))
        clock.advance(seconds: 86_400)
        #expect(await limits.take(carol, x, perMinute: nil, perDay: 2) == nil)
        #expect(await limits.take(carol, x, perMinute: nil, perDay: nil) == nil)
    }

    @Test func theSameSubjectFromAnotherIssuerIsAnotherPrincipal() async {
        let limits = AdmissionControl(configuration: LimitsConfiguration(), clock: ManualClock()).toolCallLimits()
        #expect(await limits.take(Fixture.principal("alice"), search, perMinute: nil, perDay: 1) == nil)
        #expect(await limits.take(Fixture.principal("alice"), search, perMinute: nil, perDay: 1) != nil)
        #expect(await limits.take(Fixture.principal("alice", issuer: "https://other.example"), search, perMinute: nil, perDay: 1) == nil)
    }

    @Test func aRefusalUsesUpNeitherLimit() async {
        let clock = ManualClock()
        let limits = AdmissionControl(configuration: LimitsConfiguration(), clock: clock).toolCallLimits()
        let alice = Fixture.principal("alice")
        // The day has room for 2; the rate admits 1 a minute: the second call is refused on the rate and must not
        // take a call from the day.
        #expect(await limits.take(alice, search, perMinute: 1, perDay: 2) == nil)
        guard case .rate? = await limits.take(alice, search, perMinute: 1, perDay: 2) else { Issue.record("not rate-limited"); return }
        clock.advance(seconds: 60)
        #expect(await limits.take(alice, search, perMinute: 1, perDay: 2) == nil)
        // The day is spent: refused on the day, and the rate charge is given back (at once another tool's day
        // budget would not matter; here the same bucket must still have its one call for the next minute).
        clock.advance(seconds: 60)
        #expect(await limits.take(alice, search, perMinute: 1, perDay: 2) == .budget(retryAfterSeconds: 86_400 - 120))
        #expect(await limits.take(alice, search, perMinute: 1, perDay: 3) == nil)  // a policy with a larger day: the rate had room
    }

    @Test func aStoreThatCannotAnswerRefusesAndCountsNothing() async {
        let buckets = FlakyRateLimitStore(down: false), ledger = FlakyBudgetStore(down: true)
        let failures = Atomic<Int>(0)
        let limits = ToolCallLimits(
            buckets: buckets, ledger: ledger, clock: ManualClock(), sweep: { _ in }, onFailure: { failures.add(1, ordering: .relaxed) })
        let alice = Fixture.principal("alice")
        #expect(await limits.take(alice, search, perMinute: 1, perDay: 5) == .unavailable)
        // The rate charge was given back: with the ledger up again the one call a minute is still there.
        ledger.down.store(false, ordering: .relaxed)
        #expect(await limits.take(alice, search, perMinute: 1, perDay: 5) == nil)
        buckets.down.store(true, ordering: .relaxed)
        #expect(await limits.take(alice, search, perMinute: 1, perDay: nil) == .unavailable)
        #expect(failures.load(ordering: .relaxed) == 0)  // a refusal's give-back went through
    }
}
