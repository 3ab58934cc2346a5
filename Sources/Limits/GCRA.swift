/// The Generic Cell Rate Algorithm over a one-minute window, in integer nanoseconds.
///
/// A bucket's whole state is one number, the theoretical arrival time (TAT): the instant at which the
/// bucket would be full again. Taking `n` units moves TAT by `n × interval`; it is allowed while TAT stays
/// within one window of now. Every operation is O(1), and a bucket whose TAT has passed is identical to an
/// absent one, so idle buckets can be dropped without losing anything.
public struct GCRA: Sendable, Hashable {
    static let minute: Int64 = 60_000_000_000

    public let limit: Int
    /// Nanoseconds one unit occupies: ⌈60 s / limit⌉, rounded up so the limit is never exceeded.
    public let interval: Int64
    /// `limit × interval` (≥ 60 s by less than `limit` ns): the burst the bucket admits from full.
    public let window: Int64

    init(perMinute limit: Int) {
        precondition(limit > 0, "a rate limit must be positive")
        self.limit = limit
        let l = Int64(limit)
        interval = (Self.minute + l - 1) / l
        window = interval * l
    }

    public struct Status: Sendable, Hashable {
        public var limit: Int
        public var remaining: Int
        /// Nanoseconds until the bucket is full again.
        public var reset: Int64
    }

    public func status(tat: Int64, now: Int64) -> Status {
        let backlog = max(0, tat - now)
        let used = backlog == 0 ? 0 : (backlog + interval - 1) / interval
        return Status(limit: limit, remaining: max(0, limit - Int(clamping: used)), reset: backlog)
    }

    /// Takes `cost` units if they fit. Returns 0 when taken, otherwise the nanoseconds to wait before they
    /// would fit (for a cost above the limit: the wait until the bucket is full).
    public func take(_ cost: Int, tat: inout Int64, now: Int64) -> Int64 {
        guard cost > 0 else { return 0 }
        let base = max(tat, now)
        let new = base.addingSaturating(span(cost))
        if new - now <= window {
            tat = new
            return 0
        }
        if cost > limit { return max(1, base - now) }
        return new - now - window
    }

    /// Adds (positive) or gives back (negative) units without a check: corrections after the fact.
    public func adjust(_ delta: Int, tat: inout Int64, now: Int64) {
        if delta > 0 {
            tat = max(tat, now).addingSaturating(span(delta))
        } else if delta < 0 {
            tat = tat.addingSaturating(-span(-delta))
        }
    }

    private func span(_ units: Int) -> Int64 {
        let (p, o) = Int64(units).multipliedReportingOverflow(by: interval)
        return o ? Int64.max / 2 : p
    }
}
