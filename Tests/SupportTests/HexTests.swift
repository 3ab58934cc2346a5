import Testing

@testable import Support

@Suite struct HexTests {
    @Test func everyByteIsTwoLowercaseDigitsHighNibbleFirst() {
        let all = (0...255).map { UInt8($0) }
        let text = Hex.encode(all)
        #expect(text.utf8.count == 512)
        #expect(text.hasPrefix("000102030405060708090a0b0c0d0e0f10"))
        #expect(text.hasSuffix("f9fafbfcfdfeff"))
        for b in all {
            let expected = (b < 16 ? "0" : "") + String(b, radix: 16)
            #expect(Hex.encode([b]) == expected)
        }
    }

    @Test func encodesAnySequenceAndAppendsToBytes() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode(AnySequence([0xde, 0xad, 0xbe, 0xef] as [UInt8])) == "deadbeef")  // not contiguous
        #expect(Hex.encode([0xab, 0x0c], uppercase: true) == "AB0C")
        var out = Array("id=".utf8)
        Hex.append([0x00, 0xff] as [UInt8], to: &out)
        Hex.append(0x7e, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "id=00ff7e")
    }

    @Test func digitValuesOfBothCasesAndNothingElse() {
        for (i, c) in "0123456789abcdef".utf8.enumerated() { #expect(Hex.value(of: c) == UInt8(i)) }
        for (i, c) in "ABCDEF".utf8.enumerated() { #expect(Hex.value(of: c) == UInt8(10 + i)) }
        for c in "gG/:@`x \u{0}".utf8 { #expect(Hex.value(of: c) == nil) }
        for b in UInt8(0)...255 where Hex.value(of: b) != nil { #expect(Hex.digit(Hex.value(of: b)!, uppercase: b >= 0x41 && b <= 0x46) == b) }
    }
}
