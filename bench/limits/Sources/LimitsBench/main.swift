// Per-request cost of the Limits module: admit+settle, and response-cache lookups, on 1 and 2 threads.
// Prints a table of p50/p99 latency per operation (1 and 2 concurrent tasks). Run in release: swift run -c release LimitsBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Core
import Limits
import Synchronization

@inline(__always) func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Runs `body(task, i)` `iterations` times in each of `threads` concurrent tasks (the stores are async; the
/// cooperative pool runs one thread per core); returns per-call latencies in nanoseconds.
func measure(threads: Int, iterations: Int, _ body: @escaping @Sendable (Int, Int) async -> Void) async -> [UInt64] {
    await withTaskGroup(of: [UInt64].self) { group in
        for t in 0..<threads {
            group.addTask {
                var s = [UInt64](repeating: 0, count: iterations)
                for i in 0..<iterations {
                    let a = monotonicNanos()
                    await body(t, i)
                    s[i] = monotonicNanos() &- a
                }
                return s
            }
        }
        var all: [UInt64] = []
        for await s in group { all += s }
        return all
    }
}

func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
}

func row(_ name: String, threads: Int, _ samples: [UInt64], wall: Double) {
    let s = samples.sorted()
    let ops = Double(samples.count) / wall
    func f(_ v: Double) -> String { String(Int((v * 100).rounded())).leftPadded(6).inserting(".", at: 4) }
    print("| \(name.padded(38)) | \(String(threads).leftPadded(7)) | \(f(percentile(s, 0.5))) | \(f(percentile(s, 0.99))) | \(String(Int(ops)).leftPadded(10)) |")
}

extension String {
    func padded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    func inserting(_ c: Character, at fromEnd: Int) -> String {
        var s = self
        s.insert(c, at: s.index(s.endIndex, offsetBy: -(fromEnd - 2)))
        return s.replacingSpaceBeforeDot()
    }
    func replacingSpaceBeforeDot() -> String {
        var chars = Array(self)
        if let i = chars.firstIndex(of: "."), i > 0, chars[i - 1] == " " { chars[i - 1] = "0" }
        return String(chars)
    }
}

/// The whole run, in one async function: its values are locals the measuring tasks capture (top-level
/// variables would belong to the main actor).
func run() async throws {
    // A realistic configuration: per-principal, per-group and per-model rate limits with token limits,
    // daily and monthly budgets per principal and per group. Limits are high so nothing is refused.
    let config = LimitsConfiguration(
        rateLimits: [
            try RateLimitRule(scope: .principal, requestsPerMinute: 1_000_000_000, tokensPerMinute: 1_000_000_000),
            try RateLimitRule(scope: .group, match: "*", requestsPerMinute: 1_000_000_000),
            try RateLimitRule(scope: .model, match: "*", requestsPerMinute: 1_000_000_000, tokensPerMinute: 1_000_000_000),
        ],
        budgets: [
            try BudgetRule(scope: .principal, daily: 1e6, monthly: 1e7),
            try BudgetRule(scope: .group, match: "*", monthly: 1e8),
        ])
    let control = AdmissionControl(configuration: config)
    let principals = (0..<1000).map {
        Principal(issuer: "https://idp.example.com/realms/corp", subject: "user-\($0)", kind: .user,
                  groups: ["eng-\($0 % 10)"], tenant: "acme")
    }
    let model = ModelDescriptor(name: "gpt-4o-mini", provider: "openai", upstreamModel: "gpt-4o-mini",
                                inputPricePerMillion: 0.15, outputPricePerMillion: 0.6, maxOutputTokens: 16384)
    let usage = TokenUsage(inputTokens: 350, outputTokens: 200)

    let cache = AnswerCache(configuration: CacheConfiguration(enabled: true, ttlSeconds: 3600, maxEntries: 100_000, maxBytes: 512 << 20))
    func body(_ i: Int) -> JSONValue {
        [
            "model": "gpt-4o-mini", "temperature": 0, "max_tokens": 256, "stream": false,
            "messages": [
                ["role": "system", "content": "You are a careful assistant for the finance team. Answer briefly and cite the policy section."],
                ["role": "user", "content": .string("Question \(i): what is the approval limit for travel expenses above 5000 EUR in the Singapore office, and who signs off?")],
            ],
        ]
    }
    let bodies = (0..<1000).map(body)
    let obligations = Obligations(guardrailProfile: "standard", maxTokens: 1024, redact: ["pii.email", "secret"], cacheScope: .principal)
    let answer = CachedAnswer(payload: .complete(body: Array(repeating: 65, count: 1500)), usage: usage)
    let keys = bodies.indices.map { cache.key(scope: .principal(principals[$0]), model: model.name, operation: .chatCompletions, body: bodies[$0], obligations: obligations) }
    for k in keys { await cache.store(k, answer) }

    let iterations = 200_000
    if let only = getenv("LIMITS_BENCH_PROFILE") {
        // Hot loop for `perf record`: no timing, just the operation.
        let n = Int(atoi(only))
        for i in 0..<n {
            let a = try! await control.admit(principal: principals[(i &* 7) % 1000], model: model, estimatedInputTokens: 350,
                                             maxTokens: 256, obligations: .none, chargeBudget: true)
            await control.settle(a, usage: usage)
        }
        exit(0)
    }
    if let only = getenv("LIMITS_BENCH_PROFILE_CACHE") {
        for i in 0..<Int(atoi(only)) {
            let n = (i &* 7) % 1000
            let k = cache.key(scope: .principal(principals[n]), model: model.name, operation: .chatCompletions, body: bodies[n], obligations: obligations)
            let found = await cache.lookup(k)
            precondition(found != nil)
        }
        exit(0)
    }
    print("| operation                              | threads | p50 µs | p99 µs |    ops/s   |")
    print("|----------------------------------------|---------|--------|--------|------------|")
    for threads in [1, 2] {
        // Warm-up, then measure.
        for (name, op) in [
            ("admit + settle (3 buckets, 4 budgets)", { @Sendable (t: Int, i: Int) async in
                let p = principals[(i &* 7 &+ t &* 500) % 1000]
                let a = try! await control.admit(principal: p, model: model, estimatedInputTokens: 350, maxTokens: 256,
                                                 obligations: .none, chargeBudget: true)
                await control.settle(a, usage: usage)
            }),
            ("cache key + lookup (hit, ~400 B)", { @Sendable (t: Int, i: Int) async in
                let n = (i &* 7 &+ t &* 500) % 1000
                let k = cache.key(scope: .principal(principals[n]), model: model.name, operation: .chatCompletions, body: bodies[n], obligations: obligations)
                let found = await cache.lookup(k)
                precondition(found != nil)
            }),
            ("cache lookup (hit, key precomputed)", { @Sendable (t: Int, i: Int) async in
                let found = await cache.lookup(keys[(i &* 7 &+ t &* 500) % 1000])
                precondition(found != nil)
            }),
            ("cache key + lookup (miss, tiny body)", { @Sendable (t: Int, i: Int) async in
                let k = cache.key(scope: .global, model: "none", operation: .embeddings, body: [:])
                let found = await cache.lookup(k)
                precondition(found == nil)
            }),
        ] as [(String, @Sendable (Int, Int) async -> Void)] {
            _ = await measure(threads: threads, iterations: 20_000, op)
            let start = monotonicNanos()
            let samples = await measure(threads: threads, iterations: iterations, op)
            let wall = Double(monotonicNanos() - start) / 1e9
            row(name, threads: threads, samples, wall: wall)
        }
    }
    print("")
    print("rate-limit buckets held: \(control.trackedBuckets), open admissions: \(control.openAdmissions), cache: \(cache.stats.entries) entries, \(cache.stats.bytes) bytes")
}

try await run()
