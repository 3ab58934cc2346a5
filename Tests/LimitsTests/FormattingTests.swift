import Core
import Foundation
import Testing
@testable import Limits

@Suite struct FormattingTests {
    @Test(arguments: [
        (Int64(0), "0s"), (1, "1ms"), (20_000_000, "20ms"), (999_000_001, "1s"), (1_000_000_000, "1s"),
        (1_500_000_000, "1.5s"), (59_999_000_000, "59.999s"), (60_000_000_000, "1m0s"), (360_000_000_000, "6m0s"),
        (90_250_000_000, "1m30.25s"), (3_600_000_000_000, "1h0m0s"), (3_723_000_000_000, "1h2m3s"),
    ])
    func resetDurationsUseOpenAIsFormat(_ nanos: Int64, _ text: String) {
        #expect(RateLimitHeaders.duration(nanos) == text)
    }

    @Test func utcPeriodsFollowTheCalendar() {
        let s: Int64 = 1_000_000_000
        let endOfYear = UTCCalendar.window(.month, at: 1_798_761_599 * s)  // 2026-12-31T23:59:59Z
        #expect(UTCCalendar.timestamp(endOfYear.start) == "2026-12-01T00:00:00Z")
        #expect(UTCCalendar.timestamp(endOfYear.end) == "2027-01-01T00:00:00Z")
        let leap = UTCCalendar.window(.month, at: 1_709_251_199 * s)  // 2024-02-29T23:59:59Z
        #expect(UTCCalendar.timestamp(leap.end) == "2024-03-01T00:00:00Z")
        #expect((leap.end - leap.start) / s == 29 * 86_400)
        let day = UTCCalendar.window(.day, at: 1_709_251_199 * s)
        #expect(UTCCalendar.timestamp(day.start) == "2024-02-29T00:00:00Z")
        #expect(UTCCalendar.window(.month, at: 0).index == 0)
        #expect(UTCCalendar.window(.month, at: 1_798_761_600 * s).index == 57 * 12)
        // Agree with Foundation across a few hundred years of month starts.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: -40_000 as Int64, to: 100_000, by: 997) {
            let d = Date(timeIntervalSince1970: Double(days * 86_400))
            let start = utc.date(from: utc.dateComponents([.year, .month], from: d))!
            #expect(UTCCalendar.window(.month, at: days * 86_400 * s).start == Int64(start.timeIntervalSince1970) * s)
        }
    }

    @Test func moneyIsExactForTenReservationsOfOneTenth() {
        func price(_ input: Double) -> TokenPrice { TokenPrice(ModelDescriptor(name: "m", provider: "p", upstreamModel: "m", inputPricePerMillion: input)) }
        #expect(price(100).costNanos(TokenUsage(inputTokens: 1000)) == Money.nanos(0.1))
        #expect(Money.nanos(0.1) * 10 == Money.nanos(1.0))
        // A fraction of a nano is rounded up, never down.
        #expect(price(0.0005).costNanos(TokenUsage(inputTokens: 1)) == 1)
        #expect(TokenPrice.picosPerToken(-1) == 0)
    }

    @Test func anthropicRateLimitHeadersAreTheSameBucketsWithResetTimes() {
        for nanos: Int64 in [1, 20_000_000, 1_500_000_000, 360_000_000_000, 3_723_000_000_000] {
            #expect(RateLimitHeaders.nanos(ofDuration: RateLimitHeaders.duration(nanos)).map { $0 >= nanos && $0 - nanos < 1_000_000 } == true)
        }
        let now: Int64 = 1_796_630_400 * 1_000_000_000   // 2026-12-07T08:00:00Z
        let headers = RateLimitHeaders.anthropicForm(
            [("x-ratelimit-limit-requests", "5"), ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "1m30s"),
             ("x-ratelimit-reset-tokens", "20ms"), ("retry-after", "90")], nowNanos: now)
        #expect(headers.map(\.0) == [
            "anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset",
            "anthropic-ratelimit-tokens-reset", "retry-after",
        ])
        #expect(headers[2].1 == "2026-12-07T08:01:30Z" && headers[3].1 == "2026-12-07T08:00:01Z" && headers[4].1 == "90")
    }

    @Test func promptCacheTokensArePricedApart() {
        // Defaults: writes at 1.25× and reads at 0.1× the input price (Anthropic's multipliers).
        let model = ModelDescriptor(name: "m", provider: "p", upstreamModel: "m", inputPricePerMillion: 3, outputPricePerMillion: 15)
        let usage = TokenUsage(inputTokens: 1_000_000, outputTokens: 1_000_000, cacheWriteTokens: 1_000_000, cacheReadTokens: 1_000_000)
        #expect(TokenPrice(model).costNanos(usage) == Money.nanos(3 + 15 + 3.75 + 0.3))
        let priced = ModelDescriptor(
            name: "m", provider: "p", upstreamModel: "m", inputPricePerMillion: 3, cacheWritePricePerMillion: 5, cacheReadPricePerMillion: 1)
        #expect(TokenPrice(priced).costNanos(TokenUsage(cacheWriteTokens: 2_000_000, cacheReadTokens: 1_000_000)) == Money.nanos(11))
        #expect(usage.totalTokens == 4_000_000)
    }

    @Test func usageReportEncodesSnakeCase() async throws {
        let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
        let ac = AdmissionControl(
            configuration: LimitsConfiguration(
                rateLimits: [try RateLimitRule(scope: .principal, requestsPerMinute: 10), try RateLimitRule(scope: .group, match: "eng", tokensPerMinute: 600)],
                budgets: [try BudgetRule(scope: .principal, daily: 2, monthly: 20)]),
            clock: clock)
        let alice = Fixture.principal("alice", groups: ["eng"])
        let a = try await ac.admit(alice, model: Fixture.model(input: 1000, output: 1000), tokens: 100, maxTokens: 100)
        await ac.settle(a, usage: TokenUsage(inputTokens: 100, outputTokens: 50))
        _ = try await ac.admit(Fixture.principal("bob"))
        let report = try await ac.usage(for: alice)
        #expect(report.principal == "https://idp.example#alice")
        #expect(report.rateLimits == [
            .init(scope: "principal", name: nil, requests: .init(limit: 10, remaining: 9, resetSeconds: 6), tokens: nil),
            .init(scope: "group", name: "eng", requests: nil, tokens: .init(limit: 600, remaining: 450, resetSeconds: 15)),
        ])
        #expect(report.budgets.map(\.period) == [.day, .month])
        #expect(report.budgets.map(\.spent) == [0.15, 0.15])
        #expect(report.budgets.map(\.remaining) == [1.85, 19.85])
        #expect(report.budgets[1].periodStart == "2026-03-01T00:00:00Z")
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        let json = String(decoding: try enc.encode(report), as: UTF8.self)
        #expect(json.contains(#""rate_limits":"#))
        #expect(json.contains(#""reset_seconds":6"#))
        #expect(json.contains(#""period_end":"2026-03-15T00:00:00Z""#))
        #expect(Set(try await ac.usageForAll().map(\.principal)) == ["https://idp.example#alice", "https://idp.example#bob"])
    }
}
