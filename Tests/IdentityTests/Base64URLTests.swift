import Foundation
import Testing

@testable import Identity

/// The strict base64url decoder against Foundation's (standard alphabet, padded) on every length and byte.
@Suite struct Base64URLTests {
    @Test func decodesWhatFoundationEncodes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.decode(encoded) == bytes, "length \(length)")
            #expect(Base64URL.encode(bytes) == encoded)
        }
    }

    @Test func refusesAnythingNotStrictBase64URL() {
        for bad in ["A", "AAAAA", "QQ==", "QQ=", "Q+==", "ab/c", "ab c", "ab\nc", "QR", "QUJ", "AB€C"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
        #expect(Base64URL.decode("QQ") == [0x41])       // canonical: trailing bits zero
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])
        #expect(Base64URL.decode("") == [])
    }
}
