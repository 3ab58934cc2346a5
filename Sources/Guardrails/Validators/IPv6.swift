/// Strict IPv6 text form check (RFC 4291 §2.2), with an embedded IPv4 tail. Rejects clock times,
/// MAC addresses and `Type::member` paths that share the colon shape.
enum IPv6 {
    static func isAddress(_ text: Substring) -> Bool {
        var groups = text.split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count >= 3, groups.count <= 9 else { return false }
        var ipv4Tail = false
        if let last = groups.last, last.utf8.contains(UInt8(ascii: ".")) {
            let octets = last.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) else { return false }
            ipv4Tail = true
            groups.removeLast()
        }
        let compressed = text.containsCaseless("::")
        if compressed {
            guard text.components(separatedByString: "::") == 2 else { return false }
        }
        // Leading or trailing single colon is invalid (":1:2"), a leading/trailing "::" is fine.
        if text.hasPrefix(":") && !text.hasPrefix("::") { return false }
        if text.hasSuffix(":") && !text.hasSuffix("::") { return false }
        let nonEmpty = groups.filter { !$0.isEmpty }
        guard nonEmpty.allSatisfy({ $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return false }
        let slots = nonEmpty.count + (ipv4Tail ? 2 : 0)
        if compressed {
            guard slots <= 7, nonEmpty.count >= 2 else { return false }
            // `a::b` with one-letter groups is far more often code than an address.
            return nonEmpty.contains { $0.count >= 3 } || ipv4Tail
        }
        return slots == 8
    }
}

extension Substring {
    /// Number of pieces `self` splits into around `separator` (1 when absent).
    func components(separatedByString separator: String) -> Int {
        var count = 1
        var rest = self[...]
        while let r = rest.firstRange(of: separator) {
            count += 1
            rest = rest[r.upperBound...]
        }
        return count
    }
}
