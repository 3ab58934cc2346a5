import Testing
@testable import Core

@Suite struct ObligationsTests {
    @Test func mostRestrictiveWins() {
        let a = Obligations(guardrailProfile: "standard", maxTokens: 1024, redact: ["pii"], allowedTools: ["search", "calc"], cacheScope: .global)
        let b = Obligations(guardrailProfile: "strict", maxTokens: 4096, redact: ["secret"], allowedTools: ["search"], cacheScope: .principal)
        let m = a.merged(with: b)
        #expect(m.guardrailProfile == "strict")
        #expect(m.maxTokens == 1024)
        #expect(m.redact == ["pii", "secret"])
        #expect(m.allowedTools == ["search"])
        #expect(m.cacheScope == .principal)
        #expect(b.merged(with: a) == m)
    }

    @Test func absentValuesDoNotLoosen() {
        let a = Obligations(maxTokens: 100, allowedTools: [])
        let m = a.merged(with: .none)
        #expect(m.maxTokens == 100)
        #expect(m.allowedTools == [])
    }
}
