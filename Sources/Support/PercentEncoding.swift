/// Percent-encoding of UTF-8 text (RFC 3986 §2.1): every byte but the unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) and the given extra safe bytes becomes `%XX`, upper-case hex.
///
/// One implementation for the package: URL path segments and query values of provider calls, SigV4's canonical
/// strings (which keep `/` in paths), and `application/x-www-form-urlencoded` bodies sent to OAuth token endpoints
/// (RFC 6749 Appendix B: encoding a space as `%20` rather than `+` is equally valid for every form decoder).
public enum PercentEncoding {
    @inlinable
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// `text` with every byte but the unreserved ones and those of `extraSafe` percent-encoded.
    public static func encode(_ text: some StringProtocol, keeping extraSafe: StaticString = "") -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if isUnreserved(byte) || extraSafe.withUTF8Buffer({ $0.contains(byte) }) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                Hex.append(byte, to: &out, uppercase: true)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An `application/x-www-form-urlencoded` body of `pairs`, in order.
    public static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }
}
