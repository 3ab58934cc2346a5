import Core
import Testing

@testable import Guardrails

/// Values hidden from ASCII patterns (fullwidth forms, zero-width characters, Unicode spaces and dashes,
/// other scripts' digits, a line break) are found; offsets point at the ORIGINAL text and redaction
/// replaces the original span, in requests and in streamed answers.
@Suite("Evasions: the normalised view")
struct EvasionTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration())

    /// (text, category, the original value as it appears in `text`)
    static let evasions: [(String, String, String)] = [
        ("ＮＲＩＣ Ｓ８８１２３４５Ｚ please", "pii.sg_nric", "Ｓ８８１２３４５Ｚ"),
        ("card 4111\u{200B}1111\u{200B}1111\u{200B}1111 ok", "pii.credit_card", "4111\u{200B}1111\u{200B}1111\u{200B}1111"),
        ("card 4111\u{00A0}1111\u{00A0}1111\u{00A0}1111 ok", "pii.credit_card", "4111\u{00A0}1111\u{00A0}1111\u{00A0}1111"),
        ("card 5555\u{2013}5555\u{2013}5555\u{2013}4444 ok", "pii.credit_card", "5555\u{2013}5555\u{2013}5555\u{2013}4444"),
        ("card 4111 1111\n1111 1111 on two lines", "pii.credit_card", "4111 1111\n1111 1111"),
        ("write to john\u{200B}.doe@acme.com today", "pii.email", "john\u{200B}.doe@acme.com"),
        ("write to ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ today", "pii.email", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
        ("IBAN DE89-3704-0044-0532-0130-00 thanks", "pii.iban", "DE89-3704-0044-0532-0130-00"),
        ("IBAN GB82 WEST 1234\n5698 7654 32 thanks", "pii.iban", "GB82 WEST 1234\n5698 7654 32"),
        ("call me: ٩١٢٣ ٤٥٦٧ tonight", "pii.phone", "٩١٢٣ ٤٥٦٧"),
        ("key \u{200D}AKIAZ7QW3ERT5YUI2OPL\u{200D} leaked", "secret.aws_access_key", "AKIAZ7QW3ERT5YUI2OPL"),
        ("pass\u{200B}word = \"Tr0ub4dor&3x\"", "secret.password", "Tr0ub4dor&3x"),
        ("身份證 𝐀𝟏𝟐𝟑𝟒𝟓𝟔(𝟑) 已登記", "pii.hk_id", "𝐀𝟏𝟐𝟑𝟒𝟓𝟔(𝟑)"),
        ("邮箱 wang.wei@例子.公司 谢谢", "pii.email", "wang.wei@例子.公司"),
    ]

    static func scalarRange(of value: String, in text: String) -> Range<Int>? {
        let t = Array(text.unicodeScalars), v = Array(value.unicodeScalars)
        guard v.count <= t.count else { return nil }
        for i in 0...(t.count - v.count) where Array(t[i..<(i + v.count)]) == v { return i..<(i + v.count) }
        return nil
    }

    @Test("found, with Unicode-scalar offsets of the original value", arguments: evasions)
    func found(_ sample: (String, String, String)) throws {
        let (text, category, value) = sample
        let expected = try #require(Self.scalarRange(of: value, in: text))
        let hits = Self.engine.scan(text, direction: .request)
        #expect(hits.contains { $0.category == category && $0.start == expected.lowerBound && $0.end == expected.upperBound },
                "\(category) in \(text.debugDescription): \(hits)")
    }

    @Test("redaction replaces the original span, invisible characters included", arguments: evasions)
    func redacted(_ sample: (String, String, String)) throws {
        let (text, category, value) = sample
        let request = AIRequest(
            operation: .chatCompletions, model: "m", messages: [AIMessage(role: .user, text: text, location: "messages[0].content")],
            body: ["messages": [["role": "user", "content": .string(text)]]])
        let findings = Self.engine.inspect(request)
        guard case .forward(let rewritten, _) = Self.engine.enforce(request, findings: findings, obligations: Obligations(redact: ["pii", "secret"])) else {
            Issue.record("blocked")
            return
        }
        let out = rewritten.messages[0].text
        let label = "[" + category.placeholderLabel + "_1]"
        #expect(out == text.replacingFirst(value, with: label), "\(out.debugDescription)")
        #expect(rewritten.body["messages"]?[0]?["content"]?.stringValue == out)
    }

    @Test("streamed answers: found and redacted at every split", arguments: evasions)
    func streamed(_ sample: (String, String, String)) {
        let (text, category, value) = sample
        let label = "[" + category.placeholderLabel + "_1]"
        for chunks in StreamingTests.splits(of: text) {
            let out = StreamingTests.run(chunks)
            #expect(out.text == text.replacingFirst(value, with: label), "split \(chunks.map(\.unicodeScalars.count)): \(out.text.debugDescription)")
            #expect(out.findings.contains { $0.category == category })
        }
    }

    @Test("ASCII text takes the fast path; text with accents and CJK keeps its offsets")
    func untouched() {
        let plain = Array("plain ascii, mail a.b@example.org".utf8)
        #expect(plain.withUnsafeBufferPointer { DataView.isPlain($0) })
        let accented = Array("café → a.b@example.org".utf8)
        #expect(!accented.withUnsafeBufferPointer { DataView.isPlain($0) })
        let hits = Self.engine.scan("Crème brûlée für 日本 a.b@example.org", direction: .request)
        #expect(hits.map { [$0.start, $0.end] } == [[20, 35]])
    }

    @Test("the offset map: removed, folded and identity pieces map back to original bytes")
    func offsetMap() {
        var view = DataView()
        let text = Array("a\u{200B}Ｓ b".utf8)  // a, ZWSP (3 bytes), fullwidth S (3 bytes), space, b
        text.withUnsafeBufferPointer { view.append($0) }
        #expect(view.bytes == Array("aS b".utf8))
        #expect(view.changed)
        #expect(view.map.rawStart(ofView: 0) == 0)
        #expect(view.map.rawStart(ofView: 1) == 4)  // the S starts after the zero-width space
        #expect(view.map.rawEnd(ofView: 2) == 7)  // ...and ends after its three bytes
        #expect(view.map.rawStart(ofView: 3) == 8)
        #expect(view.map.rawEnd(ofView: 4) == 9)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let t = Array(unicodeScalars)
        guard let r = EvasionTests.scalarRange(of: target, in: self) else { return self }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: t[..<r.lowerBound])
        out.append(contentsOf: replacement.unicodeScalars)
        out.append(contentsOf: t[r.upperBound...])
        return String(out)
    }
}
