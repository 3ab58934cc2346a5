/// The two UTC time formats of AWS APIs, converted by hand (Howard Hinnant's civil-date algorithms) so
/// no date formatter runs per request: `x-amz-date` (`yyyyMMdd'T'HHmmss'Z'`) and ISO 8601
/// (`yyyy-MM-dd'T'HH:mm:ss[.fff]'Z'`, STS `Expiration`). One implementation for the signer, the STS
/// reader and the mock's verifier.
public enum AWSTimestamp {
    /// `yyyyMMdd'T'HHmmss'Z'` of whole seconds since 1970.
    public static func amzDate(epochSeconds: Int64) -> String {
        let (y, m, d, secondOfDay) = civil(epochSeconds)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        digits(y, 4, &out)
        digits(m, 2, &out)
        digits(d, 2, &out)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, &out)
        digits(secondOfDay / 60 % 60, 2, &out)
        digits(secondOfDay % 60, 2, &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'` of whole seconds since 1970.
    public static func iso8601(epochSeconds: Int64) -> String {
        let (y, m, d, secondOfDay) = civil(epochSeconds)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        digits(y, 4, &out)
        out.append(UInt8(ascii: "-"))
        digits(m, 2, &out)
        out.append(UInt8(ascii: "-"))
        digits(d, 2, &out)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Seconds since 1970 of an `x-amz-date`, or nil when it is not one.
    public static func epochSeconds(amzDate text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        return seconds(b, year: 0, month: 4, day: 6, hour: 9, minute: 11, second: 13)
    }

    /// Seconds since 1970 of an ISO 8601 UTC time (fractions dropped), or nil when it is not one.
    public static func epochSeconds(iso8601 text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b.last == UInt8(ascii: "Z")
        else { return nil }
        if b.count > 20 {
            guard b[19] == UInt8(ascii: "."), b.count > 21, number(b, 20, b.count - 21) != nil else { return nil }
        }
        return seconds(b, year: 0, month: 5, day: 8, hour: 11, minute: 14, second: 17)
    }

    private static func seconds(_ b: [UInt8], year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard let y = number(b, year, 4), let m = number(b, month, 2), let d = number(b, day, 2),
            let hh = number(b, hour, 2), let mm = number(b, minute, 2), let ss = number(b, second, 2),
            (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60, ss < 61
        else { return nil }
        // days_from_civil
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400 + hh * 3600 + mm * 60 + ss
    }

    private static func number(_ b: [UInt8], _ from: Int, _ count: Int) -> Int64? {
        var v: Int64 = 0
        for i in from..<(from + count) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
            v = v * 10 + Int64(b[i] - UInt8(ascii: "0"))
        }
        return v
    }

    /// civil_from_days: (year, month, day, second of the day).
    private static func civil(_ epochSeconds: Int64) -> (Int, Int, Int, Int) {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), month, day, Int(epochSeconds - days * 86_400))
    }

    private static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }
}
