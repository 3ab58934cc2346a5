import Core
import Foundation
import Testing
@testable import Policy

/// Every determining permit takes part in the merge: an unannotated one stands for the configured
/// defaults (guardrail profile, cache scope `principal`), so another permit can never loosen them.
@Suite("Obligations of unannotated permits")
struct ObligationMergeTests {
    static func engine(_ text: String, defaultProfile: String = "standard") throws -> PolicyEngine {
        try PolicyEngine(
            policies: PolicySet(parsing: text), entities: PolicyEngineTests.groups, defaultGuardrailProfile: defaultProfile,
            hasher: { _ in "" })
    }

    static let loosePermit = """
        @id("loose") @guardrails("off") @cache_scope("global") permit(principal, action, resource);
        """

    @Test func anUnannotatedPermitKeepsTheDefaultProfileAndTheNarrowestCacheScope() throws {
        let engine = try Self.engine(Self.loosePermit + """
            @id("plain") permit(principal in Group::"engineers", action, resource);
            """)
        let both = engine.decide(PolicyEngineTests.query())
        #expect(Set(both.determiningPolicies) == ["loose", "plain"])
        #expect(both.obligations.guardrailProfile == "standard")
        #expect(both.obligations.cacheScope == .principal)
        // When only the loose permit applies, its annotations hold.
        let alone = engine.decide(PolicyEngineTests.query(groups: []))
        #expect(alone.determiningPolicies == ["loose"])
        #expect(alone.obligations.guardrailProfile == "off")
        #expect(alone.obligations.cacheScope == .global)
    }

    @Test func theOrderOfThePoliciesDoesNotMatter() throws {
        let engine = try Self.engine("""
            @id("plain") permit(principal in Group::"engineers", action, resource);
            """ + Self.loosePermit)
        let o = engine.decide(PolicyEngineTests.query()).obligations
        #expect(o.guardrailProfile == "standard")
        #expect(o.cacheScope == .principal)
    }

    @Test func aPermitWithOtherAnnotationsOnlyAlsoStandsForTheDefaults() throws {
        let engine = try Self.engine(Self.loosePermit + """
            @id("capped") @max_tokens("100") permit(principal in Group::"engineers", action, resource);
            """)
        let o = engine.decide(PolicyEngineTests.query()).obligations
        #expect(o.guardrailProfile == "standard")
        #expect(o.cacheScope == .principal)
        #expect(o.maxTokens == 100)
    }

    @Test func theConfiguredDefaultIsTheFloorAndAStricterAnnotationStillWins() throws {
        let strictDefault = try Self.engine(Self.loosePermit + """
            @id("plain") permit(principal in Group::"engineers", action, resource);
            @id("standard") @guardrails("standard") permit(principal in Group::"staff", action, resource);
            """, defaultProfile: "strict")
        #expect(strictDefault.decide(PolicyEngineTests.query()).obligations.guardrailProfile == "strict")
        let stricter = try Self.engine(Self.loosePermit + """
            @id("plain") permit(principal in Group::"engineers", action, resource);
            @id("strict") @guardrails("strict") @cache_scope("tenant") permit(principal in Group::"staff", action, resource);
            """, defaultProfile: "permissive")
        let o = stricter.decide(PolicyEngineTests.query()).obligations
        #expect(o.guardrailProfile == "strict")
        #expect(o.cacheScope == .principal)
        // A custom default profile (unknown to the ranking, which reads it as `standard`) wins a tie.
        let custom = try Self.engine(Self.loosePermit + """
            @id("plain") permit(principal in Group::"engineers", action, resource);
            @id("standard") @guardrails("standard") permit(principal in Group::"staff", action, resource);
            """, defaultProfile: "bank")
        #expect(custom.decide(PolicyEngineTests.query()).obligations.guardrailProfile == "bank")
    }

    @Test func withNoAnnotatedPermitTheDecisionCarriesTheDefaultsAsNone() throws {
        let engine = try Self.engine(#"@id("plain") permit(principal, action, resource);"#)
        #expect(engine.decide(PolicyEngineTests.query()).obligations == .none)
    }

    @Test func forbidAnnotationsNeverBecomeObligations() throws {
        let engine = try Self.engine(Self.loosePermit + """
            @id("no") @guardrails("strict") forbid(principal, action, resource) when { context.stream == false };
            """)
        let d = engine.decide(PolicyEngineTests.query())  // stream is true: the forbid does not apply
        #expect(d.determiningPolicies == ["loose"])
        #expect(d.obligations.guardrailProfile == "off")
    }
}

@Suite("policy eval: duplicate @id")
struct EvalDuplicateIDTests {
    /// cedarpy 4.12.2 accepts two policies with the same `@id` annotation (ids are positional) and
    /// reports both; only the gateway, which names policies in 403s and audit records, refuses them.
    @Test func evalAcceptsDuplicateIDsAsTheReferenceDoesButTheGatewayRefusesThem() throws {
        let path = try PolicyStoreTests.temporaryFile("""
            @id("a") permit(principal, action, resource);
            @id("a") permit(principal, action, resource) when { context.n > 1 };
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var input = [#"{"principal":"User::\"x\"","action":"Action::\"y\"","resource":"R::\"z\"","context":{"n":2}}"#][...]
        var out: [String] = []
        #expect(PolicyCommands.eval(policyPaths: [path], readLine: { input.popFirst() }, output: { out.append($0) }, errorOutput: { _ in }) == 0)
        #expect(out == [#"{"decision":"Allow","reasons":["policy0","policy1"],"errors":[]}"#])
        var checked: [String] = []
        #expect(PolicyCommands.check(paths: [path], output: { checked.append($0) }) == 1)
        #expect(checked.joined().contains("duplicate policy id `a`"))
        #expect(throws: PolicyEngineError.self) { try PolicySource(policyPaths: [path], hasher: { _ in "" }).load() }
    }
}
