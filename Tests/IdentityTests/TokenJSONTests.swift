import Core
import Foundation
import Testing

@testable import Identity

@Suite struct TokenJSONTests {
    func parse(_ s: String) -> JSONValue? { TokenJSON.parse(Array(s.utf8)) }

    @Test func parsesWhatFoundationParses() throws {
        let text = #"{"a":[1,-2,3.5,-0.25,true,false,null],"s":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","o":{"k":"v"},"e":[],"eo":{}}"#
        let ours = try #require(parse(text))
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
        #expect(ours["s"]?.stringValue == "x\"\\/\u{08}\u{0C}\n\r\té😀")
        #expect(parse(" { \"n\" : 1795622575 } ")?["n"]?.intValue == 1_795_622_575)
        #expect(parse(#"{"big":12345678901234567890}"#)?["big"] == .number(12345678901234567890))
        #expect(parse(#"{"e":1e3}"#)?["e"]?.intValue == 1000)
    }

    @Test func refusesWhatTokensMustNotContain() {
        for bad in [
            #"{"sub":"alice","sub":"admin"}"#,  // duplicate member: two readers could disagree
            #"{"a":1,}"#, #"{"a":01}"#, #"{"a":.5}"#, #"{"a":1.}"#, #"{"a":"\x"}"#, #"{"a":"\ud83d"}"#,
            #"{"a":"\ude00"}"#, "{\"a\":\"\u{01}\"}", #"{"a":1} x"#, #"{"a":NaN}"#, #"{"a":tru}"#, #"{a:1}"#, "",
            String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
        ] {
            #expect(parse(bad).map { _ in "parsed" } == nil, "\(bad)")
        }
        #expect(TokenJSON.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]).map { _ in "parsed" } == nil)  // invalid UTF-8
    }
}
