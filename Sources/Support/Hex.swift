/// Hexadecimal of bytes, two digits a byte: digests, key ids, trail ids, cache and policy hashes, the `\u00XX`
/// escapes of canonical JSON, percent-encoding.
///
/// Hand-written, one copy for the whole package, because the alternatives are each wrong somewhere:
/// `String(format: "%02x")` goes through Foundation's formatter once per byte (a string per byte, on the
/// audit's serial path), and `String(_:radix:)` drops the leading zero of bytes below 16. Digits are
/// computed, not looked up, so there is no table to initialise or copy.
public enum Hex {
    /// The ASCII digit of a value 0...15: `0`-`9`, then `a`-`f` (or `A`-`F`).
    @inlinable
    public static func digit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : (uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")) &+ (nibble &- 10)
    }

    /// The value 0...15 of an ASCII hex digit (either case), or nil for any other byte — the one decoder of
    /// JSON `\u` escapes, IPv6 groups and hex runs in text.
    @inlinable
    public static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit &- 0x30
        case 0x41...0x46: digit &- 0x41 &+ 10
        case 0x61...0x66: digit &- 0x61 &+ 10
        default: nil
        }
    }

    /// Appends the two digits of `byte`, high nibble first.
    @inlinable
    public static func append(_ byte: UInt8, to out: inout [UInt8], uppercase: Bool = false) {
        out.append(digit(byte >> 4, uppercase: uppercase))
        out.append(digit(byte & 0x0F, uppercase: uppercase))
    }

    /// Appends the digits of every byte.
    public static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8], uppercase: Bool = false) {
        out.reserveCapacity(out.count + 2 * bytes.underestimatedCount)
        for byte in bytes { append(byte, to: &out, uppercase: uppercase) }
    }

    /// The digits of every byte as a string, lowercase unless asked: `[0x0f, 0xa0]` → `"0fa0"`.
    public static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0, uppercase: uppercase) }) { return text }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0, uppercase: uppercase) }
    }

    /// One allocation at most (none up to 7 bytes: the string is small enough to be stored inline).
    private static func encode(buffer: UnsafeBufferPointer<UInt8>, uppercase: Bool) -> String {
        String(unsafeUninitializedCapacity: 2 * buffer.count) { out in
            for (i, byte) in buffer.enumerated() {
                out[2 * i] = digit(byte >> 4, uppercase: uppercase)
                out[2 * i + 1] = digit(byte & 0x0F, uppercase: uppercase)
            }
            return 2 * buffer.count
        }
    }
}
