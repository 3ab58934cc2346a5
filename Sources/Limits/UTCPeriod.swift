/// Budget periods: the UTC calendar day and the UTC calendar month.
/// Calendar arithmetic is done by hand (Howard Hinnant's civil-from-days algorithm) because the hot path
/// must not allocate a Foundation `Calendar` per request and only UTC is ever needed.
public enum BudgetPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case day, month
}

struct PeriodWindow: Sendable, Hashable {
    /// Days since the epoch for `.day`, months since 1970-01 for `.month`.
    var index: Int64
    /// Start and end (exclusive) in nanoseconds since the epoch.
    var start: Int64
    var end: Int64
}

enum UTCCalendar {
    static let nanosPerDay: Int64 = 86_400 * 1_000_000_000

    static func window(_ period: BudgetPeriod, at nanos: Int64) -> PeriodWindow {
        let day = floorDiv(nanos, nanosPerDay)
        switch period {
        case .day:
            return PeriodWindow(index: day, start: day * nanosPerDay, end: (day + 1) * nanosPerDay)
        case .month:
            let (y, m, _) = civil(fromDays: day)
            let index = (y - 1970) * 12 + (m - 1)
            let start = days(fromCivil: y, m, 1) * nanosPerDay
            let (ny, nm) = m == 12 ? (y + 1, Int64(1)) : (y, m + 1)
            let end = days(fromCivil: ny, nm, 1) * nanosPerDay
            return PeriodWindow(index: index, start: start, end: end)
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// (year, month 1...12, day 1...31) for days since 1970-01-01.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// RFC 3339 UTC timestamp with second precision, e.g. `2026-01-31T00:00:00Z`.
    static func timestamp(_ nanos: Int64) -> String {
        let day = floorDiv(nanos, nanosPerDay)
        let secs = floorDiv(nanos, 1_000_000_000) - day * 86_400
        let (y, m, d) = civil(fromDays: day)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
    }
}
