import Core
import Testing
@testable import Limits

/// Delegated calls: a user is limited whichever service acts for them; a service can be limited across the
/// users it acts for, and per (user, service) pair.
@Suite struct ActorLimitsTests {
    let clock = ManualClock(secondsSinceEpoch: Fixture.noon)
    static let idp = "https://idp.example"

    func via(_ subject: String, _ actor: String?, issuer: String = idp) -> Principal {
        var p = Fixture.principal(subject)
        if let actor { p.actors = [Principal.Actor(issuer: issuer, subject: actor, source: .workload)] }
        return p
    }

    func control(rates: [RateLimitRule] = [], budgets: [BudgetRule] = []) -> AdmissionControl {
        AdmissionControl(configuration: LimitsConfiguration(rateLimits: rates, budgets: budgets), clock: clock)
    }

    @Test func aUserIsLimitedAcrossTheServicesActingForThem() async throws {
        let ac = control(rates: [try RateLimitRule(scope: .principal, match: "*", requestsPerMinute: 3)])
        _ = try await ac.admit(via("alice", "rag-api"))
        _ = try await ac.admit(via("alice", "summariser"))
        _ = try await ac.admit(via("alice", nil))
        #expect(await refusal { try await ac.admit(via("alice", "rag-api")) }?.scope == "principal")
        #expect(await refusal { try await ac.admit(via("alice", "another-app")) }?.scope == "principal")
        #expect(await refusal { try await ac.admit(via("bob", "rag-api")) } == nil)
    }

    @Test func aServiceIsLimitedAcrossTheUsersItActsFor() async throws {
        let ac = control(rates: [try RateLimitRule(scope: .actor, match: "rag-api", requestsPerMinute: 2)])
        _ = try await ac.admit(via("alice", "rag-api"))
        _ = try await ac.admit(via("bob", "rag-api"))
        #expect(await refusal { try await ac.admit(via("carol", "rag-api")) }?.scope == "actor")
        // Other actors and calls without an actor are not limited by it.
        #expect(await refusal { try await ac.admit(via("carol", "summariser")) } == nil)
        #expect(await refusal { try await ac.admit(via("carol", nil)) } == nil)
        // The same actor name under another issuer is another bucket.
        #expect(await refusal { try await ac.admit(via("carol", "rag-api", issuer: "https://partner.example")) } == nil)
    }

    @Test func eachUserAndServicePairHasItsOwnBucket() async throws {
        let ac = control(rates: [try RateLimitRule(scope: .principalActor, match: "*", requestsPerMinute: 1)])
        _ = try await ac.admit(via("alice", "rag-api"))
        #expect(await refusal { try await ac.admit(via("alice", "rag-api")) }?.scope == "principal_actor")
        #expect(await refusal { try await ac.admit(via("alice", "summariser")) } == nil)
        #expect(await refusal { try await ac.admit(via("bob", "rag-api")) } == nil)
        #expect(await refusal { try await ac.admit(via("alice", nil)) } == nil)
    }

    @Test func budgetsCanBeKeyedByActor() async throws {
        let priced = Fixture.model("priced", input: 1, output: 2)
        // Worst case 1000 in + 1000 out = 0.003: one call each.
        let ac = control(budgets: [try BudgetRule(scope: .actor, match: "*", daily: 0.003)])
        _ = try await ac.admit(via("alice", "rag-api"), model: priced, tokens: 1000, maxTokens: 1000)
        #expect(await refusal { try await ac.admit(via("bob", "rag-api"), model: priced, tokens: 1000, maxTokens: 1000) }?.kind == .budgetExhausted)
        #expect(await refusal { try await ac.admit(via("bob", "summariser"), model: priced, tokens: 1000, maxTokens: 1000) } == nil)
        let pairs = control(budgets: [try BudgetRule(scope: .principalActor, match: "rag-api", daily: 0.003)])
        _ = try await pairs.admit(via("alice", "rag-api"), model: priced, tokens: 1000, maxTokens: 1000)
        #expect(await refusal { try await pairs.admit(via("alice", "rag-api"), model: priced, tokens: 1000, maxTokens: 1000) }?.kind == .budgetExhausted)
        #expect(await refusal { try await pairs.admit(via("bob", "rag-api"), model: priced, tokens: 1000, maxTokens: 1000) } == nil)
    }
}
