import Core
import Limits
import Testing

@testable import Gateway

/// A model served with a user-bound credential (token exchange) may answer differently per user: its answers are
/// cached for the principal only, even when a policy widens the cache scope to everyone.
@Suite struct UserBoundCacheTests {
    static let model = ModelDescriptor(name: "internal-llm", provider: "internal", upstreamModel: "llm")
    static let request = AIRequest(
        operation: .chatCompletions, model: "internal-llm", messages: [AIMessage(role: .user, text: "q", location: "messages[0].content")],
        body: ["model": "internal-llm", "messages": [["role": "user", "content": "q"]]])

    func stage(userBound: Set<String>) -> LimitsStage {
        LimitsStage(
            control: AdmissionControl(configuration: LimitsConfiguration()), cache: AnswerCache(configuration: CacheConfiguration(enabled: true)),
            userBoundModels: userBound)
    }

    func hitFor(_ stage: LimitsStage, after first: Principal, then second: Principal) async throws -> Bool {
        let everyone = Obligations(cacheScope: .global)
        let a = try await stage.admit(Self.request, model: Self.model, principal: first, obligations: everyone, cacheControl: nil)
        await stage.store(a, answer: CachedAnswer(payload: .complete(body: Array("{}".utf8)), usage: TokenUsage()))
        let b = try await stage.admit(Self.request, model: Self.model, principal: second, obligations: everyone, cacheControl: nil)
        return b.cacheHit != nil
    }

    @Test func aUserBoundModelsAnswerIsNeverServedToAnotherUser() async throws {
        let alice = Principal(issuer: "https://idp", subject: "alice", kind: .user)
        let bob = Principal(issuer: "https://idp", subject: "bob", kind: .user)
        #expect(try await hitFor(stage(userBound: []), after: alice, then: bob))  // a global scope shares, as configured
        #expect(!(try await hitFor(stage(userBound: ["internal-llm"]), after: alice, then: bob)))
        #expect(try await hitFor(stage(userBound: ["internal-llm"]), after: alice, then: alice))
    }
}
