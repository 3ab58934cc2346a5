import Core
import Synchronization
import Testing

@testable import Providers

@Suite struct ModelRouteOrderTests {
    func target(_ provider: String, weight: Double = 1, priority: Int) -> ModelTarget {
        ModelTarget(descriptor: ModelDescriptor(name: "m", provider: provider, upstreamModel: "u"), weight: weight, priority: priority)
    }

    @Test func unweightedTargetsKeepTheirOrder() {
        let route = ModelRoute(name: "m", targets: [target("a", priority: 0), target("b", priority: 1), target("c", priority: 2)])
        for _ in 0..<20 { #expect(route.attemptOrder().map(\.descriptor.provider) == ["a", "b", "c"]) }
    }

    @Test func weightsShareFirstAttemptsWithinAPriority() {
        let route = ModelRoute(name: "m", targets: [target("a", weight: 3, priority: 0), target("b", weight: 1, priority: 0), target("z", priority: 1)])
        var firsts: [String: Int] = [:]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<4000 {
            let order = route.attemptOrder(unit: { Double.random(in: 0..<1, using: &rng) }).map(\.descriptor.provider)
            #expect(Set(order.prefix(2)) == ["a", "b"], "both deployments come before the lower priority")
            #expect(order.last == "z")
            firsts[order[0], default: 0] += 1
        }
        let share = Double(firsts["a"] ?? 0) / 4000
        #expect(share > 0.70 && share < 0.80, "weight 3 of 4 is first about 75% of the time, was \(share)")
    }

    @Test func drawsAtTheEdgesPickTheRightTarget() {
        let route = ModelRoute(name: "m", targets: [target("a", weight: 1, priority: 0), target("b", weight: 1, priority: 0)])
        #expect(route.attemptOrder(unit: { 0 }).map(\.descriptor.provider) == ["a", "b"])
        #expect(route.attemptOrder(unit: { 0.999 }).map(\.descriptor.provider) == ["b", "a"])
    }
}

@Suite struct RetryPolicyTests {
    @Test func backOffIsJitteredExponentialAndCapped() {
        let p = RetryPolicy(attempts: 5, baseBackoff: .milliseconds(100), maxBackoff: .milliseconds(300))
        #expect(p.delay(beforeRetry: 1, retryAfter: nil, unit: { 0.5 }) == .milliseconds(50))
        #expect(p.delay(beforeRetry: 2, retryAfter: nil, unit: { 0.5 }) == .milliseconds(100))
        #expect(p.delay(beforeRetry: 4, retryAfter: nil, unit: { 0.999 })! <= .milliseconds(300))
        #expect(p.delay(beforeRetry: 1, retryAfter: nil, unit: { 0 }) == .zero)
    }

    @Test func attemptsBoundTheRetries() {
        let p = RetryPolicy(attempts: 2)
        #expect(p.delay(beforeRetry: 1, retryAfter: nil) != nil)
        #expect(p.delay(beforeRetry: 2, retryAfter: nil) == nil)
        #expect(RetryPolicy(attempts: 1).delay(beforeRetry: 1, retryAfter: nil) == nil)
    }

    @Test func retryAfterIsHonouredUnlessTooLong() {
        let p = RetryPolicy(attempts: 3, baseBackoff: .milliseconds(10), maxRetryAfter: .seconds(5))
        #expect(p.delay(beforeRetry: 1, retryAfter: .seconds(2), unit: { 0.5 }) == .seconds(2))
        #expect(p.delay(beforeRetry: 1, retryAfter: .seconds(30)) == nil, "a provider asking for 30 s is failed over at once")
    }

    @Test func retryAfterHeaderForms() {
        let now = 784_111_777.0  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse([("Retry-After", "3")], now: now) == .seconds(3))
        #expect(RetryAfter.parse([("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")], now: now) == .seconds(10))
        #expect(RetryAfter.parse([("retry-after", "Sun, 06 Nov 1994 08:49:00 GMT")], now: now) == .zero, "a date in the past: retry now")
        #expect(RetryAfter.parse([("retry-after-ms", "250")], now: now) == .milliseconds(250))
        #expect(RetryAfter.parse([("retry-after", "soon")], now: now) == nil)
        #expect(RetryAfter.parse([("retry-after", "-4")], now: now) == nil)
        #expect(RetryAfter.parse([], now: now) == nil)
    }
}

@Suite struct CircuitBreakerTests {
    final class FakeClock: Sendable {
        let base = ContinuousClock.now
        let offset = Mutex(Duration.zero)
        var now: ContinuousClock.Instant { base + offset.withLock { $0 } }
        func advance(_ d: Duration) { offset.withLock { $0 += d } }
    }

    @Test func opensAfterFailuresInTheWindowAndProbesAfterThePause() {
        let clock = FakeClock()
        let breaker = CircuitBreaker(settings: CircuitSettings(failures: 3, window: .seconds(10), openFor: .seconds(30), halfOpenProbes: 1), now: { clock.now })
        for _ in 0..<2 { breaker.recordFailure(probe: false) }
        #expect(breaker.state == .closed)
        #expect(breaker.admit() == .go(probe: false))
        breaker.recordFailure(probe: false)
        #expect(breaker.state == .open)
        guard case .skip = breaker.admit() else { Issue.record("an open circuit skips the upstream"); return }
        clock.advance(.seconds(31))
        #expect(breaker.state == .halfOpen)
        #expect(breaker.admit() == .go(probe: true))
        guard case .skip = breaker.admit() else { Issue.record("one probe at a time"); return }
        breaker.recordSuccess(probe: true)
        #expect(breaker.state == .closed)
        #expect(breaker.timesOpened == 1)
    }

    @Test func aFailedProbeReopens() {
        let clock = FakeClock()
        let breaker = CircuitBreaker(settings: CircuitSettings(failures: 1, window: .seconds(10), openFor: .seconds(5)), now: { clock.now })
        breaker.recordFailure(probe: false)
        clock.advance(.seconds(6))
        #expect(breaker.admit() == .go(probe: true))
        breaker.recordFailure(probe: true)
        #expect(breaker.state == .open)
        guard case .skip = breaker.admit() else { Issue.record("re-opened"); return }
        #expect(breaker.timesOpened == 2)
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        let clock = FakeClock()
        let breaker = CircuitBreaker(settings: CircuitSettings(failures: 2, window: .seconds(10)), now: { clock.now })
        breaker.recordFailure(probe: false)
        clock.advance(.seconds(11))
        breaker.recordFailure(probe: false)
        #expect(breaker.state == .closed)
        breaker.recordFailure(probe: false)
        #expect(breaker.state == .open)
    }

    @Test func aSuccessClearsThePastFailures() {
        let breaker = CircuitBreaker(settings: CircuitSettings(failures: 2))
        breaker.recordFailure(probe: false)
        breaker.recordSuccess(probe: false)
        breaker.recordFailure(probe: false)
        #expect(breaker.state == .closed)
    }
}
