import Core
import Testing
@testable import Gateway

@Suite("MCP sessions")
struct MCPSessionsTests {
    static let alice = Principal(issuer: "https://idp", subject: "alice", kind: .user)
    static let bob = Principal(issuer: "https://idp", subject: "bob", kind: .user)

    @Test func boundToPrincipalAndServer() async throws {
        let sessions = MCPSessions(idleLimit: .seconds(60))
        let opened = try #require(await sessions.open(server: "tickets", principal: Self.alice, revision: .november2025, upstreamID: "u1"))
        #expect(opened.id.count == 64)
        #expect(try await sessions.session(opened.id, server: "tickets", principal: Self.alice)?.upstreamID == "u1")
        #expect(try await sessions.session(opened.id, server: "tickets", principal: Self.bob) == nil)
        #expect(try await sessions.session(opened.id, server: "billing", principal: Self.alice) == nil)
        await sessions.close(opened.id)
        #expect(try await sessions.session(opened.id, server: "tickets", principal: Self.alice) == nil)
    }

    @Test func boundToTheActorChainOfTheOpeningCall() async throws {
        let sessions = MCPSessions(idleLimit: .seconds(60))
        var viaRag = Self.alice
        viaRag.actors = [Principal.Actor(issuer: "https://idp", subject: "rag-api", source: .workload)]
        var viaBot = Self.alice
        viaBot.actors = [Principal.Actor(issuer: "https://idp", subject: "bot", source: .workload)]
        let opened = try #require(await sessions.open(server: "tickets", principal: viaRag, revision: .november2025, upstreamID: nil))
        #expect(try await sessions.session(opened.id, server: "tickets", principal: viaRag) != nil)
        // The same user through another service, or directly, does not continue it.
        #expect(try await sessions.session(opened.id, server: "tickets", principal: viaBot) == nil)
        #expect(try await sessions.session(opened.id, server: "tickets", principal: Self.alice) == nil)
    }

    @Test func idleSessionsExpireAndOneCallerCannotFillTheTable() async throws {
        let idle = MCPSessions(idleLimit: .zero)
        let gone = try #require(await idle.open(server: "s", principal: Self.alice, revision: .june2025, upstreamID: nil))
        #expect(try await idle.session(gone.id, server: "s", principal: Self.alice) == nil)
        let sessions = MCPSessions(idleLimit: .seconds(60), maximumSessions: 10, maximumPerPrincipal: 3)
        let first = try #require(await sessions.open(server: "s", principal: Self.alice, revision: .june2025, upstreamID: nil))
        for _ in 0..<3 { _ = await sessions.open(server: "s", principal: Self.alice, revision: .june2025, upstreamID: nil) }
        #expect(try await sessions.session(first.id, server: "s", principal: Self.alice) == nil)   // the oldest of alice's made room
        let bobs = try #require(await sessions.open(server: "s", principal: Self.bob, revision: .june2025, upstreamID: nil))
        #expect(try await sessions.session(bobs.id, server: "s", principal: Self.bob) != nil)
    }

    @Test func answersMatchOnlyOpenServerRequests() async throws {
        let sessions = MCPSessions(idleLimit: .seconds(60))
        let s = try #require(await sessions.open(server: "s", principal: Self.alice, revision: .november2025, upstreamID: nil))
        #expect(!(await sessions.takeAnswer(s.id, to: .integer(1))))
        await sessions.expectAnswer(s.id, to: .integer(1))
        #expect(await sessions.takeAnswer(s.id, to: .integer(1)))
        #expect(!(await sessions.takeAnswer(s.id, to: .integer(1))))   // answered once
    }
}
