import Testing
@testable import Limits

@Suite("Per-tool call limits")
struct ToolCallLimitsTests {
    @Test func rateAndDailyBudgetPerKey() {
        let clock = ManualClock()   // 2026-01-01T00:00:00Z
        let limits = ToolCallLimits(clock: clock)
        for _ in 0..<3 { #expect(limits.take("alice/search", perMinute: 3, perDay: nil) == nil) }
        guard case .rate(let after)? = limits.take("alice/search", perMinute: 3, perDay: nil) else { Issue.record("not limited"); return }
        #expect(after >= 1 && after <= 20)
        #expect(limits.take("bob/search", perMinute: 3, perDay: nil) == nil)
        #expect(limits.take("carol/x", perMinute: nil, perDay: 2) == nil)
        #expect(limits.take("carol/x", perMinute: nil, perDay: 2) == nil)
        #expect(limits.take("carol/x", perMinute: nil, perDay: 2) == .budget(retryAfterSeconds: 86_400))
        clock.advance(seconds: 86_400)
        #expect(limits.take("carol/x", perMinute: nil, perDay: 2) == nil)
        #expect(limits.take("anyone", perMinute: nil, perDay: nil) == nil)
    }
}
