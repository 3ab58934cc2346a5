import struct Foundation.Date
import Support

/// The key of one request's trail: a UUIDv7 (RFC 9562 §5.7) the gateway generates — 48 bits of Unix
/// milliseconds, then 74 random bits from the system CSPRNG — so ids are unique without coordination and
/// sort by time. The client's `x-request-id` is kept beside it as a correlation field only: a client can
/// reuse or forge that one, so it can never join records.
///
/// Written by hand because Foundation only makes UUIDv4 (whose order says nothing about time); this is
/// the format and a random number generator, nothing more.
public enum TrailID {
    /// A fresh trail id, e.g. `01938a7e-5c1f-7d2a-9b3e-4f6a8c0d2e1b`.
    public static func make(at time: Date = Date()) -> String {
        var rng = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, (time.timeIntervalSince1970 * 1000).rounded(.down)))
        let random = (rng.next() as UInt64, rng.next() as UInt64)
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: millis >> (8 * UInt64(5 - i))) }
        for i in 6..<8 { b[i] = UInt8(truncatingIfNeeded: random.0 >> (8 * UInt64(i - 6))) }
        for i in 8..<16 { b[i] = UInt8(truncatingIfNeeded: random.1 >> (8 * UInt64(i - 8))) }
        b[6] = 0x70 | (b[6] & 0x0F)  // version 7
        b[8] = 0x80 | (b[8] & 0x3F)  // variant 10
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in b.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            Hex.append(byte, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
