/// How a target that failed in a retryable way (no connection, 429, 5xx, no first byte in time) is tried
/// again before the next target is: at most `attempts` calls per target, waiting a full-jitter exponential
/// back-off (a uniform draw from zero to `base × 2ⁿ`, capped at `maxBackoff`) or the provider's
/// `Retry-After`, whichever is longer — and never past the request's deadline.
public struct RetryPolicy: Sendable, Hashable {
    /// Calls per target, the first included (1: no retry).
    public var attempts: Int
    public var baseBackoff: Duration
    public var maxBackoff: Duration
    /// The longest `Retry-After` worth waiting for; a provider asking for more is failed over at once.
    public var maxRetryAfter: Duration

    public init(attempts: Int = 2, baseBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(2), maxRetryAfter: Duration = .seconds(5)) {
        self.attempts = attempts
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `retry` (1 for the first retry), or nil when the target is not retried:
    /// no attempts left, or the provider asked for a longer pause than `maxRetryAfter`.
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, unit: () -> Double = { Double.random(in: 0..<1) }) -> Duration? {
        guard retry < attempts else { return nil }
        if let retryAfter, retryAfter > maxRetryAfter { return nil }
        let ceiling = min(maxBackoff, baseBackoff * (1 << min(retry - 1, 20)))
        let jittered = ceiling * unit()
        return max(jittered, retryAfter ?? .zero)
    }
}

/// The provider's `Retry-After` (RFC 9110 §10.2.3): delay seconds, or an HTTP date. Also OpenAI's and
/// Anthropic's `retry-after-ms`. Nil when absent or unreadable.
public enum RetryAfter {
    public static func parse(_ headers: [(String, String)], now: Double) -> Duration? {
        if let ms = headers.first(where: { $0.0.lowercased() == "retry-after-ms" })?.1, let v = Double(ms.trimmingSpaces()), v.isFinite, v >= 0 {
            return .milliseconds(Int64(v))
        }
        guard let raw = headers.first(where: { $0.0.lowercased() == "retry-after" })?.1.trimmingSpaces() else { return nil }
        if let seconds = Int64(raw), seconds >= 0 { return .seconds(seconds) }
        guard let date = HTTPDate.parse(raw) else { return nil }
        return .milliseconds(Int64(max(0, date - now) * 1000))
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only HTTP date form senders may generate; parsed by
/// hand (a fixed layout) to keep Foundation's date formatters off the request path.
enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Seconds since 1970, or nil.
    static func parse(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])),
              let year = Int(parts[3]) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        return Double(daysFromCivil(year: year, month: month + 1, day: day) * 86400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
