import Core

/// Cedar's `ipaddr` extension value: an IPv4 or IPv6 address with a prefix length (a single address
/// has prefix 32 or 128). The address is kept as written, not truncated to the network, as Cedar does.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let isV6: Bool
    /// The 128-bit address (IPv4 in the low 32 bits of `low`).
    let high: UInt64
    let low: UInt64
    public let prefix: UInt8

    var width: UInt8 { isV6 ? 128 : 32 }

    /// Parses `a.b.c.d[/n]` or an IPv6 text form `x:x::x[/n]`; IPv4 embedded in IPv6 is refused (as Cedar).
    /// Scans the UTF-8 bytes once, without allocating (it runs per request for the source address).
    public static func parse(_ text: String) -> Result<IPAddress, EvaluationError> {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0, text: text) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, text: String) -> Result<IPAddress, EvaluationError> {
        let slash = bytes.firstIndex(of: UInt8(ascii: "/")) ?? bytes.count
        let addr = UnsafeBufferPointer(rebasing: bytes[0..<slash])
        let v6 = addr.contains(UInt8(ascii: ":"))
        if v6 && addr.contains(UInt8(ascii: ".")) {
            return .failure(extensionError("ipaddr",
                "error parsing IP address from string: We do not accept IPv4 embedded in IPv6 (e.g., ::ffff:127.0.0.1). Found: `\(text)`"))
        }
        let bits: (UInt64, UInt64)? = v6 ? parseV6(addr) : parseV4(addr).map { (0, UInt64($0)) }
        guard let (high, low) = bits else {
            return .failure(extensionError("ipaddr", "invalid IP address: \(text)"))
        }
        let limit: UInt8 = v6 ? 128 : 32
        var prefix = limit
        if slash < bytes.count {
            let digits = bytes[(slash + 1)...]
            var n = 0
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                digits.count == 1 || digits.first != 48
            else {
                return .failure(extensionError("ipaddr", "error parsing prefix: invalid prefix in `\(text)`"))
            }
            for d in digits { n = n * 10 + Int(d - 48) }
            guard n <= Int(limit) else {
                return .failure(extensionError("ipaddr", "error parsing prefix: \(n) is larger than the limit \(limit)"))
            }
            prefix = UInt8(n)
        }
        return .success(IPAddress(isV6: v6, high: high, low: low, prefix: prefix))
    }

    /// Four decimal octets, no leading zeros (as Rust's parser).
    private static func parseV4(_ b: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var i = 0
        while i <= b.count {
            var n: UInt32 = 0
            var digits = 0
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                n = n * 10 + UInt32(b[i] - 48)
                digits += 1
                i += 1
                if digits > 3 { return nil }
            }
            guard digits > 0, n <= 255, digits == 1 || b[start] != 48 else { return nil }
            value = value << 8 | n
            octets += 1
            if i == b.count { break }
            guard b[i] == UInt8(ascii: "."), octets < 4 else { return nil }
            i += 1
        }
        return octets == 4 ? value : nil
    }

    /// Up to eight groups of 1-4 hex digits, at most one `::`.
    private static func parseV6(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        var head: [UInt16] = [], tail: [UInt16] = []
        head.reserveCapacity(8)
        var sawDouble = false
        var i = 0
        if b.count >= 2, b[0] == 58, b[1] == 58 {
            sawDouble = true
            i = 2
        } else if b.first == 58 {
            return nil
        }
        while i < b.count {
            var n: UInt32 = 0
            var digits = 0
            while i < b.count, let h = hexValue(b[i]) {
                n = n << 4 | h
                digits += 1
                i += 1
                if digits > 4 { return nil }
            }
            guard digits > 0 else { return nil }
            if sawDouble { tail.append(UInt16(n)) } else { head.append(UInt16(n)) }
            if i == b.count { break }
            guard b[i] == 58 else { return nil }
            i += 1
            if i < b.count, b[i] == 58 {
                guard !sawDouble else { return nil }
                sawDouble = true
                i += 1
                if i == b.count { break }
            } else if i == b.count {
                return nil
            }
        }
        let total = head.count + tail.count
        if sawDouble { guard total <= 7 else { return nil } } else { guard total == 8 else { return nil } }
        let all = head + Array(repeating: 0, count: 8 - total) + tail
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<4 { high = high << 16 | UInt64(all[i]) }
        for i in 4..<8 { low = low << 16 | UInt64(all[i]) }
        return (high, low)
    }

    @inline(__always)
    private static func hexValue(_ c: UInt8) -> UInt32? { Hex.value(of: c).map(UInt32.init) }

    private func masked(_ prefix: UInt8) -> (UInt64, UInt64) {
        if !isV6 {
            let mask: UInt64 = prefix == 0 ? 0 : (UInt64(0xFFFF_FFFF) << (32 - UInt64(prefix))) & 0xFFFF_FFFF
            return (0, low & mask)
        }
        let p = UInt64(prefix)
        let hm: UInt64 = p >= 64 ? ~0 : (p == 0 ? 0 : ~0 << (64 - p))
        let lm: UInt64 = p <= 64 ? 0 : (p == 128 ? ~0 : ~0 << (128 - p))
        return (high & hm, low & lm)
    }

    /// True when every address of this network lies in `range` (same address family only).
    public func isInRange(_ range: IPAddress) -> Bool {
        guard isV6 == range.isV6, range.prefix <= prefix else { return false }
        return masked(range.prefix) == range.masked(range.prefix)
    }

    private static let loopbackV4 = IPAddress(isV6: false, high: 0, low: 0x7F00_0000, prefix: 8)
    private static let loopbackV6 = IPAddress(isV6: true, high: 0, low: 1, prefix: 128)
    private static let multicastV4 = IPAddress(isV6: false, high: 0, low: 0xE000_0000, prefix: 4)
    private static let multicastV6 = IPAddress(isV6: true, high: 0xFF00_0000_0000_0000, low: 0, prefix: 8)

    /// The whole network lies in 127.0.0.0/8 (IPv4) or is ::1 (IPv6).
    public var isLoopback: Bool { isInRange(isV6 ? Self.loopbackV6 : Self.loopbackV4) }

    /// The whole network lies in 224.0.0.0/4 (IPv4) or ff00::/8 (IPv6).
    public var isMulticast: Bool { isInRange(isV6 ? Self.multicastV6 : Self.multicastV4) }

    public var description: String {
        if !isV6 {
            let o = (0..<4).map { String((low >> (24 - 8 * UInt64($0))) & 0xff) }
            return o.joined(separator: ".") + "/\(prefix)"
        }
        let g = (0..<4).map { String((high >> (48 - 16 * UInt64($0))) & 0xffff, radix: 16) }
            + (0..<4).map { String((low >> (48 - 16 * UInt64($0))) & 0xffff, radix: 16) }
        return g.joined(separator: ":") + "/\(prefix)"
    }
}
