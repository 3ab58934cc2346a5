import Core
import Testing

@testable import Guardrails

@Suite("Streaming response filter")
struct StreamingTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration())
    /// Redact everything data-like in responses.
    static let redactAll = Obligations(redact: ["pii", "secret"])

    static func run(_ chunks: [String], obligations: Obligations = redactAll, vault: PseudonymVault = PseudonymVault())
        -> (text: String, findings: [Finding], blocked: Finding?)
    {
        var filter = engine.makeAnswerFilter(obligations: obligations, vault: vault)
        var text = ""
        var findings: [Finding] = []
        var blocked: Finding?
        for chunk in chunks {
            let out = filter.feed(chunk)
            text += out.text
            findings += out.findings
            if let b = out.blocked { blocked = b; break }
        }
        if blocked == nil {
            let out = filter.finish()
            text += out.text
            findings += out.findings
            blocked = out.blocked
        }
        return (text, findings, blocked)
    }

    /// Splits `text` into two chunks at every scalar position, and into three around the value.
    static func splits(of text: String) -> [[String]] {
        let scalars = Array(text.unicodeScalars)
        var result: [[String]] = []
        for i in 0...scalars.count {
            result.append([String(String.UnicodeScalarView(scalars[..<i])), String(String.UnicodeScalarView(scalars[i...]))])
        }
        return result
    }

    @Test("every PII and secret sample split at every position is found and redacted", arguments: DetectorSamples.positives)
    func splitEverywhere(_ sample: (String, String)) {
        let (value, category) = sample
        let text = "Answer: \(value) — done."
        for chunks in Self.splits(of: text) {
            let out = Self.run(chunks)
            #expect(!out.text.contains(value), "leak of \(category) with split \(chunks.map(\.count))")
            #expect(out.findings.contains { $0.category == category && $0.start == 8 })
            #expect(out.text.hasPrefix("Answer: [") && out.text.hasSuffix("] — done."))
        }
    }

    @Test("context-dependent samples split at every position are found and redacted", arguments: DetectorSamples.contextual)
    func splitContextual(_ sample: (String, String, String)) {
        let (text, category, value) = sample
        for chunks in Self.splits(of: text) {
            let out = Self.run(chunks)
            #expect(!out.text.contains(value), "leak of \(category) with split \(chunks.map(\.count))")
            #expect(out.findings.contains { $0.category == category })
        }
    }

    @Test("one scalar per chunk, many values, multi-line PEM")
    func scalarChunks() {
        let text = "Keys:\n\(DetectorSamples.pemKey)\nmail a.b@example.org, card 5555555555554444 👍"
        let out = Self.run(text.unicodeScalars.map { String($0) })
        #expect(out.text == "Keys:\n[PRIVATE_KEY_1]\nmail [EMAIL_1], card [CREDIT_CARD_1] 👍")
        #expect(out.findings.map(\.category) == ["secret.private_key", "pii.email", "pii.credit_card"])
    }

    @Test("findings carry Unicode scalar offsets from the start of the answer")
    func offsets() {
        let text = "日本語 👋 S1234567D"
        let out = Self.run(text.unicodeScalars.map { String($0) })
        let nric = out.findings.first { $0.category == "pii.sg_nric" }
        #expect(nric?.start == 6)
        #expect(nric?.end == 15)
    }

    @Test("text without findings passes unchanged, and is released before the end")
    func passThrough() {
        var filter = Self.engine.makeAnswerFilter(obligations: Self.redactAll, vault: PseudonymVault())
        let long = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 40)
        let first = filter.feed(long)
        #expect(first.text.count > 0)
        #expect(long.hasPrefix(first.text))
        #expect(long.utf8.count - first.text.utf8.count <= Self.engine.responseHoldBack)
        let rest = filter.finish()
        #expect(first.text + rest.text == long)
    }

    @Test("block stops the stream before the value, split across chunks")
    func blockSplit() {
        let strict = Obligations(guardrailProfile: "strict")
        let key = "AKIAZ7QW3ERT5YUI2OPL"
        for chunks in Self.splits(of: "Here it is: \(key) enjoy") {
            let out = Self.run(chunks, obligations: strict)
            #expect(out.blocked?.category == "secret.aws_access_key")
            #expect(out.text == "Here it is: " || "Here it is: ".hasPrefix(out.text))
            #expect(!out.text.contains("AKIA"))
        }
    }

    @Test("pseudonyms are restored in the answer, also when a placeholder is split across chunks")
    func pseudonymRoundTrip() {
        let vault = PseudonymVault()
        let p1 = vault.placeholder(for: "jane@example.com", category: "pii.email", reversible: true)
        let p2 = vault.placeholder(for: "+65 9123 4567", category: "pii.phone", reversible: true)
        let answer = "I emailed \(p1) and will call \(p2). [EMAIL_9] stays."
        for chunks in Self.splits(of: answer) {
            let out = Self.run(chunks, obligations: Obligations(pseudonymise: ["pii"]), vault: vault)
            #expect(out.text == "I emailed jane@example.com and will call +65 9123 4567. [EMAIL_9] stays.")
            #expect(out.findings.isEmpty)
        }
    }

    @Test("after finish or block, feeding releases nothing")
    func afterEnd() {
        var filter = Self.engine.makeAnswerFilter(obligations: .none, vault: PseudonymVault())
        _ = filter.feed("hello")
        #expect(filter.finish().text == "hello")
        #expect(filter.feed("more") == .empty)
    }
}

@Suite("Streaming with custom detectors")
struct CustomStreamingTests {
    @Test("a configured keyword split across chunks is redacted; case-insensitive")
    func keywordSplit() throws {
        let config = GuardrailsConfiguration(customDetectors: [CustomDetector(name: "codename", keywords: ["Blue Bird"], action: .redact)])
        let engine = try GuardrailEngine(configuration: config)
        let text = "The BLUE BIRD launch is on."
        for chunks in StreamingTests.splits(of: text) {
            var filter = engine.makeAnswerFilter(obligations: .none, vault: PseudonymVault())
            var out = ""
            for c in chunks { out += filter.feed(c).text }
            out += filter.finish().text
            #expect(out == "The [CODENAME_1] launch is on.")
        }
    }
}
