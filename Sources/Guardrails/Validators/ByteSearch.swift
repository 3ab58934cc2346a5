/// Substring search over UTF-8 bytes, ASCII case-insensitive. Validators run on every candidate; the
/// Foundation `contains`/`range(of:)` overloads (visible once any file imports Foundation) go through
/// NSString and dominated the profile, so validators use these instead.
extension StringProtocol {
    /// True when `needle` (lower-case ASCII letters match either case) occurs in `self`.
    func containsCaseless(_ needle: String) -> Bool {
        byteOffset(ofCaseless: needle) != nil
    }

    /// Byte offset of the first case-insensitive occurrence of `needle`.
    func byteOffset(ofCaseless needle: String) -> Int? {
        let search = { (h: UnsafeBufferPointer<UInt8>) -> Int? in
            var needle = needle
            return needle.withUTF8 { n -> Int? in
                guard let first = n.first else { return 0 }
                guard h.count >= n.count else { return nil }
                var i = 0
                while i <= h.count - n.count {
                    if CandidateResolver.lower(h[i]) == first {
                        var k = 1
                        while k < n.count, CandidateResolver.lower(h[i + k]) == n[k] { k += 1 }
                        if k == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
        if let result = utf8.withContiguousStorageIfAvailable(search) { return result }
        return Array(utf8).withUnsafeBufferPointer(search)
    }

    /// True when any of `needles` occurs (case-insensitive).
    func containsAnyCaseless(_ needles: [String]) -> Bool {
        needles.contains { containsCaseless($0) }
    }
}
