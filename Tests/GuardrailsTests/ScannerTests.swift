import Core
import Testing

@testable import Guardrails

@Suite("Scanner for other guardrails")
struct ScannerTests {
    @Test("own rules: matches with scalar offsets, direction filter, start-less rules")
    func ownRules() throws {
        var pointRule = DetectorRule(id: "test.point", category: "injection", pattern: "ignore (all )?previous", caseless: true)
        pointRule.reportsStart = false
        let rules = [
            DetectorRule(id: "test.word", category: "custom.word", pattern: "zebra", caseless: true),
            DetectorRule(id: "test.response", category: "custom.out", pattern: "zebra", directions: [.response]),
            pointRule,
        ]
        let scanner = try Scanner(rules: rules, direction: .request)
        #expect(scanner.rules.map(\.id) == ["test.word", "test.point"])
        let matches = scanner.scan("ÄÖ Zebra, then IGNORE ALL PREVIOUS")
        #expect(matches.map(\.detector) == ["test.word", "test.point"])
        #expect(matches.first.map { [$0.start, $0.end] } == [3, 8])
        #expect(matches.last.map { [$0.start, $0.end] } == [34, 34])  // no start tracking: a point at the end
    }

    @Test("a rule that does not compile is named in the error")
    func compileError() {
        #expect(throws: ScannerError.self) {
            try Scanner(rules: [DetectorRule(id: "bad.rule", category: "custom.bad", pattern: "(a")], direction: .request)
        }
        do {
            _ = try Scanner(rules: [DetectorRule(id: "bad.rule", category: "custom.bad", pattern: "(a")], direction: .request)
        } catch {
            #expect(String(describing: error).contains("bad.rule"))
        }
    }

    @Test("an unbounded custom pattern is still found and redacted across chunks (hold-back capped)")
    func unboundedStreaming() throws {
        let config = GuardrailsConfiguration(customDetectors: [CustomDetector(name: "ticket", pattern: "TICKET-[A-Z]+", action: .redact)])
        let engine = try GuardrailEngine(configuration: config)
        #expect(engine.responseHoldBack >= Scanner.unboundedWidth)
        for chunks in StreamingTests.splits(of: "see TICKET-ABCDEF now") {
            var filter = engine.makeAnswerFilter(obligations: .none, vault: PseudonymVault())
            var out = ""
            for c in chunks { out += filter.feed(c).text }
            out += filter.finish().text
            #expect(out == "see [TICKET_1] now")
        }
    }
}
