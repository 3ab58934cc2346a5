import Testing

@testable import Support

/// The one canonical rule (see `CanonicalJSON`): what bytes a value becomes.
@Suite struct CanonicalJSONTests {
    func text(_ v: JSONValue) -> String { String(decoding: v.serialized(), as: UTF8.self) }

    @Test func membersAreOrderedByTheirUTF8Bytes() {
        // ASCII: uppercase before lowercase, a prefix before its extensions.
        #expect(text(["b": 1, "a": 2, "B": 3, "ab": 4, "": 5]) == #"{"":5,"B":3,"a":2,"ab":4,"b":1}"#)
        // Two-, three- and four-byte sequences sort by their lead bytes: é (C3 A9) < 日 (E6 97 A5) < 😀 (F0 9F 98 80).
        #expect(text(["😀": 1, "日": 2, "é": 3, "z": 4]) == #"{"z":4,"é":3,"日":2,"😀":1}"#)
        // ANGSTROM SIGN (U+212B, E2 84 AB) against Æ (U+00C6, C3 86): Swift's `String <` compares the
        // NFC form (U+00C5 < U+00C6) and puts the Angstrom sign first; the bytes put it last.
        let angstrom = "\u{212B}", ae = "\u{C6}"
        #expect(angstrom < ae)
        #expect(text([angstrom: 1, ae: 2]) == "{\"\u{C6}\":2,\"\u{212B}\":1}")
        #expect(CanonicalJSON.precedes(ae, angstrom) && !CanonicalJSON.precedes(angstrom, ae))
        // A decomposed é (65 CC 81) sorts by its bytes too, before "f" and after "e".
        #expect(text(["f": 1, "e\u{301}": 2, "e": 3]) == "{\"e\":3,\"e\u{301}\":2,\"f\":1}")
    }

    @Test func nestedObjectsAreOrderedAndThereIsNoWhitespace() {
        #expect(text(["z": [["y": 1, "x": [:]], []], "a": ["c": nil, "b": true]])
            == #"{"a":{"b":true,"c":null},"z":[{"x":{},"y":1},[]]}"#)
    }

    @Test(arguments: [
        (2.0, "2.0"), (2.5, "2.5"), (120.0, "120.0"), (-0.0, "-0.0"), (0.0, "0.0"), (0.00042, "0.00042"),
        (1e-5, "1e-05"), (0.1 + 0.2, "0.30000000000000004"), (1e15, "1000000000000000.0"), (1e16, "1e+16"),
        (1.2345678901234568e17, "1.2345678901234568e+17"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (.leastNonzeroMagnitude, "5e-324"), (-3e21, "-3e+21"),
    ])
    func doublesAreWrittenInShortestRoundTripForm(_ value: Double, _ expected: String) throws {
        #expect(text(.number(value)) == expected)
        // The parser reads it back as the same double, never as an integer.
        let back = try JSONParser.parse(JSONValue.number(value).serialized())
        #expect(back == .number(value))
        #expect(back.serialized() == JSONValue.number(value).serialized())
    }

    @Test func integersStayIntegersAndDoublesStayDoubles() {
        #expect(text(.integer(2)) == "2")
        #expect(text(.integer(0)) == "0")
        #expect(text(.integer(Int.min)) == "-9223372036854775808")
        #expect(text(.integer(Int.max)) == "9223372036854775807")
        #expect(JSONValue.integer(2).serialized() != JSONValue.number(2).serialized())
    }

    @Test func nonFiniteNumbersAreNull() {
        #expect(text([.number(.infinity), .number(-.infinity), .number(.nan), .number(-.nan)]) == "[null,null,null,null]")
    }

    @Test func stringsEscapeOnlyQuoteBackslashAndControls() {
        #expect(text("\"\\") == #""\"\\""#)
        #expect(text("a\nb\rc\td") == #""a\nb\rc\td""#)
        #expect(text("\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}") == #""\u0000\u0001\u0008\u000b\u000c\u001f""#)
        // Kept as UTF-8, unescaped: slash, DEL, non-ASCII, astral characters.
        #expect(text("/\u{7f}é日😀\u{2028}") == "\"/\u{7f}é日😀\u{2028}\"")
        #expect(text("") == #""""#)
        // Keys follow the same escaping.
        #expect(text(["k\"\n": 1]) == #"{"k\"\n":1}"#)
    }

    @Test func skippedMembersAreLeftOut() {
        var out: [UInt8] = []
        CanonicalJSON.write(members: ["stream": true, "model": "m", "user": "u", "a": 1], skipping: ["stream", "user", "absent"], into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"{"a":1,"model":"m"}"#)
    }

    @Test func writingAppendsToWhatIsThere() {
        var out = Array("x=".utf8)
        JSONValue.object(["b": 1, "a": 2]).write(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"x={"a":2,"b":1}"#)
    }

    /// Large objects (more members than the sort does by insertion) and deep nesting.
    @Test func largeObjectsAreSortedAndRoundTrip() throws {
        var members: [String: JSONValue] = [:]
        for i in 0..<500 { members["k\(i * 7919 % 1000)"] = .integer(i) }
        let bytes = JSONValue.object(members).serialized()
        let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("{\"\(keys[0])\":"))
        #expect(try JSONParser.parse(bytes) == .object(members))
        var deep: JSONValue = ["leaf": 1]
        for i in 0..<60 { deep = ["n\(i)": deep, "a": .integer(i)] }
        #expect(try JSONParser.parse(deep.serialized()) == deep)
    }
}
