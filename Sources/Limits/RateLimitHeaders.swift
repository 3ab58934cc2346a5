/// OpenAI-style rate-limit response headers.
///
/// `x-ratelimit-limit-requests` / `-tokens`: the per-minute limit of the most constraining bucket;
/// `x-ratelimit-remaining-requests` / `-tokens`: what that bucket still admits now;
/// `x-ratelimit-reset-requests` / `-tokens`: time until that bucket is full again, in OpenAI's duration
/// format (`"20ms"`, `"1s"`, `"6m0s"`, `"1h0m0s"`, Go's `time.Duration` notation rounded up to milliseconds).
enum RateLimitHeaders {
    static func make(requests: GCRA.Status?, tokens: GCRA.Status?) -> [(String, String)] {
        var h: [(String, String)] = []
        h.reserveCapacity(6)
        if let r = requests {
            h.append(("x-ratelimit-limit-requests", String(r.limit)))
            h.append(("x-ratelimit-remaining-requests", String(r.remaining)))
            h.append(("x-ratelimit-reset-requests", duration(r.reset)))
        }
        if let t = tokens {
            h.append(("x-ratelimit-limit-tokens", String(t.limit)))
            h.append(("x-ratelimit-remaining-tokens", String(t.remaining)))
            h.append(("x-ratelimit-reset-tokens", duration(t.reset)))
        }
        return h
    }


    /// Go-style duration, rounded up to the millisecond: `0s`, `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`.
    static func duration(_ nanos: Int64) -> String {
        guard nanos > 0 else { return "0s" }
        let ms = (nanos + 999_999) / 1_000_000
        if ms < 1000 { return "\(ms)ms" }
        let h = ms / 3_600_000
        let m = ms / 60_000 % 60
        let s = ms / 1000 % 60
        let frac = ms % 1000
        var secs = String(s)
        if frac > 0 {
            var f = String(frac)
            while f.count < 3 { f = "0" + f }
            while f.hasSuffix("0") { f.removeLast() }
            secs += "." + f
        }
        if h > 0 { return "\(h)h\(m)m\(secs)s" }
        if m > 0 { return "\(m)m\(secs)s" }
        return "\(secs)s"
    }

    /// Whole seconds for `Retry-After`, rounded up, at least 1.
    static func retryAfterSeconds(_ nanos: Int64) -> Int {
        max(1, Int((nanos + 999_999_999) / 1_000_000_000))
    }
}

/// The most constraining request and token status among the buckets of one request: fewest remaining,
/// then longest until reset.
struct HeaderReading {
    var requests: GCRA.Status?
    var tokens: GCRA.Status?

    mutating func add(_ r: BucketReading) {
        if let s = r.requests, requests.map({ Self.tighter(s, than: $0) }) ?? true { requests = s }
        if let s = r.tokens, tokens.map({ Self.tighter(s, than: $0) }) ?? true { tokens = s }
    }

    static func tighter(_ a: GCRA.Status, than b: GCRA.Status) -> Bool {
        a.remaining != b.remaining ? a.remaining < b.remaining : a.reset > b.reset
    }

    var headers: [(String, String)] {
        requests == nil && tokens == nil ? [] : RateLimitHeaders.make(requests: requests, tokens: tokens)
    }
}
