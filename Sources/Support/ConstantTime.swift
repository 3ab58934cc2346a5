/// Equality of secrets (API keys, thumbprints, MACs) without an early exit: the time taken does not tell how many
/// leading bytes matched. Lengths are not hidden (they are not secret in any of the uses: fixed-size digests, or
/// keys whose length is public). One copy for the package; the mock upstream, the DPoP nonces and the token
/// binding check use it.
public enum ConstantTime {
    public static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    public static func equal(_ a: String, _ b: String) -> Bool { equal(a.utf8, b.utf8) }
}
