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
    public static func parse(_ text: String) -> Result<IPAddress, EvaluationError> {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addrText = String(parts[0])
        let v6 = addrText.contains(":")
        if v6 && addrText.contains(".") {
            return .failure(extensionError("ipaddr",
                "error parsing IP address from string: We do not accept IPv4 embedded in IPv6 (e.g., ::ffff:127.0.0.1). Found: `\(text)`"))
        }
        let bits: (UInt64, UInt64)?
        bits = v6 ? parseV6(addrText) : parseV4(addrText).map { (0, UInt64($0)) }
        guard let (high, low) = bits else {
            return .failure(extensionError("ipaddr", "invalid IP address: \(text)"))
        }
        let limit: UInt8 = v6 ? 128 : 32
        var prefix = limit
        if parts.count == 2 {
            let p = parts[1]
            guard !p.isEmpty, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = UInt8(p) else {
                return .failure(extensionError("ipaddr", "error parsing prefix: invalid prefix `\(p)`"))
            }
            guard n <= limit else {
                return .failure(extensionError("ipaddr", "error parsing prefix: \(n) is larger than the limit \(limit)"))
            }
            prefix = n
        }
        return .success(IPAddress(isV6: v6, high: high, low: low, prefix: prefix))
    }

    private static func parseV4(_ s: String) -> UInt32? {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for o in octets {
            guard (1...3).contains(o.count), o.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                o.count == 1 || o.first != "0", let n = UInt32(o), n <= 255
            else { return nil }
            value = value << 8 | n
        }
        return value
    }

    private static func parseV6(_ s: String) -> (UInt64, UInt64)? {
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let n = UInt16(g, radix: 16),
                    g.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) })
                else { return nil }
                out.append(n)
            }
            return out
        }
        var all: [UInt16]
        let chars = Array(s.utf8)
        let double = chars.indices.dropLast().filter { chars[$0] == 58 && chars[$0 + 1] == 58 }
        if let at = double.first {
            guard double.count == 1 || (double.count == 2 && double[1] == at + 1 && false) else { return nil }
            let headText = Substring(decoding: chars[..<at], as: UTF8.self)
            let tailText = Substring(decoding: chars[(at + 2)...], as: UTF8.self)
            guard let head = groups(headText), let tail = groups(tailText), head.count + tail.count <= 7
            else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let g = groups(Substring(s)), g.count == 8 else { return nil }
            all = g
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<4 { high = high << 16 | UInt64(all[i]) }
        for i in 4..<8 { low = low << 16 | UInt64(all[i]) }
        return (high, low)
    }

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
