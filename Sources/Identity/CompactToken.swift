import Core
import Foundation

/// A compact-serialised JWS, split and decoded but NOT verified. Used to route the token to its issuer
/// and key; the claims are trusted only after `VerificationKeys` checked the signature over the same bytes.
///
/// Parsing is strict: three segments of unpadded base64url, a JSON object header with a string `alg`, a JSON
/// object payload. Header fields that point at keys (`jku`, `x5u`, `jwk`, `x5c`) are ignored: keys come only
/// from the configured issuer's JWKS.
struct CompactToken {
    static let maximumBytes = 16 * 1024

    let bytes: [UInt8]
    let signingInputLength: Int
    let signature: [UInt8]
    let header: [String: JSONValue]
    let claims: JSONValue

    var algorithm: String { header["alg"]?.stringValue ?? "" }
    var keyID: String? { header["kid"]?.stringValue }
    var type: String? { header["typ"]?.stringValue }
    var signingInput: ArraySlice<UInt8> { bytes[0..<signingInputLength] }

    init(_ token: Substring) throws(AuthenticationFailure) {
        guard token.utf8.count <= Self.maximumBytes else { throw AuthenticationFailure(.tokenTooLarge) }
        let bytes = token.utf8.withContiguousStorageIfAvailable { Array($0) } ?? Array(token.utf8)
        var dots: [Int] = []
        var next = bytes.startIndex
        while let dot = bytes[next...].firstIndex(of: UInt8(ascii: ".")), dots.count < 5 {
            dots.append(dot)
            next = dot + 1
        }
        guard dots.count == 2 else {
            throw AuthenticationFailure(
                .malformedToken, dots.count == 4 ? "encrypted tokens (JWE) are not accepted" : nil)
        }
        guard let headerBytes = Base64URL.decode(bytes[0..<dots[0]]),
            let payloadBytes = Base64URL.decode(bytes[(dots[0] + 1)..<dots[1]]),
            let signature = Base64URL.decode(bytes[(dots[1] + 1)...])
        else { throw AuthenticationFailure(.malformedToken, "the token is not valid base64url") }
        guard case .object(let header)? = Self.json(headerBytes), case .string? = header["alg"] else {
            throw AuthenticationFailure(.malformedToken, "the token header is not a JSON object with an alg")
        }
        guard let claims = Self.json(payloadBytes), case .object = claims else {
            throw AuthenticationFailure(.malformedToken, "the token payload is not a JSON object")
        }
        self.bytes = bytes
        self.signingInputLength = dots[1]
        self.signature = signature
        self.header = header
        self.claims = claims
    }

    private static func json(_ bytes: [UInt8]) -> JSONValue? {
        guard bytes.first == UInt8(ascii: "{") else { return nil }
        return TokenJSON.parse(bytes)
    }
}

/// Strict unpadded base64url (RFC 7515 §2): no padding, no whitespace, no other alphabet, canonical trailing bits.
/// Hand-written because Foundation's decoder accepts only standard base64 with padding and jwt-kit's is internal.
enum Base64URL {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        return t
    }()

    /// Four characters at a time into a buffer of the exact size (the hot path decodes every token's three
    /// segments; a byte-at-a-time append with a lazily initialised table cost ~8% of a verification).
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        let n = input.count
        let rem = n % 4
        if rem == 1 { return nil }
        let outCount = n / 4 * 3 + (rem == 0 ? 0 : rem - 1)
        var ok = true
        let out = table.withUnsafeBufferPointer { t in
            input.withUnsafeBufferPointer { src in
                [UInt8](unsafeUninitializedCapacity: outCount) { dst, initialized in
                    var i = 0, o = 0
                    let full = n - rem
                    // Valid sextets are < 64; the invalid marker 0xFF has the top bits set.
                    while i < full {
                        let a = t[Int(src[i])], b = t[Int(src[i + 1])], c = t[Int(src[i + 2])], d = t[Int(src[i + 3])]
                        if (a | b | c | d) & 0xC0 != 0 { ok = false; break }
                        let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        dst[o] = UInt8(truncatingIfNeeded: v >> 16)
                        dst[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        dst[o + 2] = UInt8(truncatingIfNeeded: v)
                        i += 4
                        o += 3
                    }
                    if ok && rem > 0 {
                        let a = t[Int(src[i])], b = t[Int(src[i + 1])]
                        let c = rem == 3 ? t[Int(src[i + 2])] : 0
                        // Unused trailing bits must be zero (canonical encoding).
                        if (a | b | c) & 0xC0 != 0 || (rem == 2 ? b & 0x0F : c & 0x03) != 0 {
                            ok = false
                        } else {
                            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                            dst[o] = UInt8(truncatingIfNeeded: v >> 16)
                            o += 1
                            if rem == 3 {
                                dst[o] = UInt8(truncatingIfNeeded: v >> 8)
                                o += 1
                            }
                        }
                    }
                    initialized = ok ? o : 0
                }
            }
        }
        return ok ? out : nil
    }

    static func decode(_ string: String) -> [UInt8]? { decode(ArraySlice(string.utf8)) }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Unpadded base64url, three bytes at a time into an exact-size buffer. On the DPoP path every request encodes
    /// its token's SHA-256 (`ath`); Foundation's base64 with three `replacingOccurrences` passes cost more than the
    /// hash (measured with perf, bench/identity.sh).
    static func encode<D: Collection>(_ bytes: D) -> String where D.Element == UInt8 {
        let input = Array(bytes)
        let n = input.count
        let outCount = n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1)
        return alphabet.withUnsafeBufferPointer { a in
            String(unsafeUninitializedCapacity: outCount) { dst in
                var i = 0, o = 0
                while i + 3 <= n {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    dst[o] = a[Int(v >> 18 & 63)]
                    dst[o + 1] = a[Int(v >> 12 & 63)]
                    dst[o + 2] = a[Int(v >> 6 & 63)]
                    dst[o + 3] = a[Int(v & 63)]
                    i += 3
                    o += 4
                }
                if n - i == 1 {
                    let v = UInt32(input[i]) << 16
                    dst[o] = a[Int(v >> 18 & 63)]
                    dst[o + 1] = a[Int(v >> 12 & 63)]
                    o += 2
                } else if n - i == 2 {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                    dst[o] = a[Int(v >> 18 & 63)]
                    dst[o + 1] = a[Int(v >> 12 & 63)]
                    dst[o + 2] = a[Int(v >> 6 & 63)]
                    o += 3
                }
                return o
            }
        }
    }
}
