import Testing
@testable import Support

@Suite struct JSONTests {
    @Test func roundTripsThroughParserAndWriter() throws {
        let text = #"{"b":[1,2.5,-3e2,true,false,null],"a":"é\"\\\n\u0001😀/","c":{"d":{}}}"#
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(value["a"] == .string("é\"\\\n\u{1}😀/"))
        #expect(value["b"]?[1] == .number(2.5))
        let again = try JSONParser.parse(value.serialized())
        #expect(again.serialized() == value.serialized())   // -3e2 is the double -300.0, and stays one
        #expect(String(decoding: value.serialized(), as: UTF8.self).hasPrefix(#"{"a":"é\"\\\n\u0001😀/","b":[1,2.5,-300.0,true,false,null]"#))
    }

    @Test func duplicateMembersAreRefused() {
        // A gateway that reads the first "model" while the provider reads the last would be bypassed.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(#"{"model":"a","model":"b"}"#.utf8)) }
    }

    @Test(arguments: [#"{"a":1,}"#, "[01]", #"{"a":"\ud800"}"#, "[1] x", "", "{", #"{"a":"x"#, "[\u{1}]"])
    func malformedIsRefusedWithAnOffset(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8), maxDepth: 64) }
        #expect((try? JSONParser.parse(Array(deep.utf8), maxDepth: 128)) != nil)
    }

    @Test func escapesEveryControlQuoteAndBackslashAndKeepsTheRest() throws {
        let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        let text = "plain " + controls + "\"\\/ é 😀 end"
        let written = JSONValue.string(text).serialized()
        #expect(!written.dropFirst().dropLast().contains { $0 < 0x20 })
        #expect(String(decoding: written, as: UTF8.self).contains(#"\u0000\u0001"#))
        #expect(String(decoding: written, as: UTF8.self).contains(#"\b"#) == false)  // \u0008, not a short form
        #expect(try JSONParser.parse(written) == .string(text))
        #expect(JSONValue.string("").serialized() == Array(#""""#.utf8))
    }

    @Test(arguments: [0, 7, -7, 10, 1_000_000, -1_234_567_890_123, Int.max, Int.min])
    func integersAreWrittenAsDecimalDigits(_ n: Int) throws {
        #expect(JSONValue.integer(n).serialized() == Array(String(n).utf8))
        #expect(try JSONParser.parse(JSONValue.integer(n).serialized()) == .integer(n))
    }
}
