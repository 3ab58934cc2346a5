import Support

/// Per-tool limits of MCP calls, from the obligations of the permitting policies: a rate per minute
/// (`@requests_per_minute`, GCRA, as the model rate limits) and a call budget per UTC day (`@calls_per_day`),
/// each per principal and tool (the caller builds the key). In memory, bounded: the least recently used keys
/// are dropped beyond `maxKeys` (an evicted key starts afresh, as an idle one would).
public final class ToolCallLimits: Sendable {
    public enum Refusal: Sendable, Equatable {
        /// Over the rate: seconds until one call fits.
        case rate(retryAfterSeconds: Int)
        /// The day's calls are spent: seconds until the next UTC day.
        case budget(retryAfterSeconds: Int)
    }

    struct Entry {
        var tat: Int64 = 0
        var day: Int64 = 0
        var calls = 0
    }

    private let shards: Sharded<BoundedLRU<String, Entry>>
    private let clock: any LimitsClock

    public init(maxKeys: Int = 100_000, clock: any LimitsClock = SystemClock()) {
        shards = Sharded(capacity: maxKeys, minimumPerShard: 256, maximumShards: 8) { n in BoundedLRU(capacity: max(1, maxKeys / n)) }
        self.clock = clock
    }

    /// Counts one call under `key` when both limits allow it; otherwise counts nothing and says why.
    public func take(_ key: String, perMinute: Int?, perDay: Int?) -> Refusal? {
        guard perMinute != nil || perDay != nil else { return nil }
        let now = clock.now()
        let today = UTCCalendar.floorDiv(now, UTCCalendar.nanosPerDay)
        return shards.withLock(forHash: key.hashValue) { (lru: inout BoundedLRU<String, Entry>) -> Refusal? in
            var entry = lru.get(key) ?? Entry()
            if entry.day != today { entry = Entry(tat: entry.tat, day: today, calls: 0) }
            if let perDay, entry.calls >= perDay {
                return .budget(retryAfterSeconds: Int((today + 1) * UTCCalendar.nanosPerDay - now + 999_999_999) / 1_000_000_000)
            }
            if let perMinute {
                let wait = GCRA(perMinute: perMinute).take(1, tat: &entry.tat, now: now)
                if wait > 0 { return .rate(retryAfterSeconds: max(1, Int((wait + 999_999_999) / 1_000_000_000))) }
            }
            entry.calls += 1
            _ = lru.set(key, entry)
            return nil
        }
    }
}
