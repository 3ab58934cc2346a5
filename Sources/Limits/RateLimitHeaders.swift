/// OpenAI-style rate-limit response headers.
///
/// `x-ratelimit-limit-requests` / `-tokens`: the per-minute limit of the most constraining bucket;
/// `x-ratelimit-remaining-requests` / `-tokens`: what that bucket still admits now;
/// `x-ratelimit-reset-requests` / `-tokens`: time until that bucket is full again, in OpenAI's duration
/// format (`"20ms"`, `"1s"`, `"6m0s"`, `"1h0m0s"`, Go's `time.Duration` notation rounded up to milliseconds).
public enum RateLimitHeaders {
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

    /// The same headers in the form of Anthropic's API, for Messages callers:
    /// `anthropic-ratelimit-requests-limit` / `-remaining` / `-reset` (RFC 3339 time the bucket is full again),
    /// and the same for `tokens`. Other headers pass unchanged.
    public static func anthropicForm(_ headers: [(String, String)], nowNanos: Int64) -> [(String, String)] {
        headers.map { name, value in
            for kind in ["requests", "tokens"] {
                switch name {
                case "x-ratelimit-limit-\(kind)": return ("anthropic-ratelimit-\(kind)-limit", value)
                case "x-ratelimit-remaining-\(kind)": return ("anthropic-ratelimit-\(kind)-remaining", value)
                case "x-ratelimit-reset-\(kind)":
                    let at = nowNanos.addingSaturating(nanos(ofDuration: value) ?? 0)
                    return ("anthropic-ratelimit-\(kind)-reset", UTCCalendar.timestamp(at + 999_999_999))
                default: continue
                }
            }
            return (name, value)
        }
    }

    /// Nanoseconds of a duration written by `duration(_:)` (`20ms`, `1.5s`, `6m0s`, `1h2m3s`).
    static func nanos(ofDuration text: String) -> Int64? {
        var total: Double = 0
        var number = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c.isNumber || c == "." {
                number.append(c)
                rest.removeFirst()
                continue
            }
            let unit: Double
            if rest.hasPrefix("ms") { unit = 1e6; rest.removeFirst(2) }
            else if c == "h" { unit = 3600e9; rest.removeFirst() }
            else if c == "m" { unit = 60e9; rest.removeFirst() }
            else if c == "s" { unit = 1e9; rest.removeFirst() }
            else { return nil }
            guard let n = Double(number) else { return nil }
            total += n * unit
            number = ""
        }
        return number.isEmpty ? Int64(total.rounded(.up)) : nil
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
