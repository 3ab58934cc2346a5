import Core
import Database
import MCP
import Testing

@testable import Gateway

/// MCP sessions in the shared table: a session opened through one replica is found through another, still
/// bound to its server and caller; a server request is answered once, whichever replica relays the answer.
@Suite(.enabled(if: TestDatabase.available)) struct SharedMCPSessionTests {
    static let alice = Principal(issuer: "https://idp", subject: "alice", kind: .user)
    static let bob = Principal(issuer: "https://idp", subject: "bob", kind: .user)

    static func replicas(idle: Duration = .seconds(60), maximumPerPrincipal: Int = 64) async throws -> (MCPSessions, MCPSessions) {
        let dbs = try await TestDatabase.fresh(replicas: ["r1", "r2"])
        let a = MCPSessions(idleLimit: idle, maximumPerPrincipal: maximumPerPrincipal, shared: try await PostgresMCPSessionStore(database: dbs[0]))
        let b = MCPSessions(idleLimit: idle, maximumPerPrincipal: maximumPerPrincipal, shared: try await PostgresMCPSessionStore(database: dbs[1]))
        return (a, b)
    }

    @Test func aSessionOpenedOnOneReplicaIsFoundOnAnotherForItsCallerOnly() async throws {
        let (r1, r2) = try await Self.replicas()
        let opened = try #require(await r1.open(server: "tickets", principal: Self.alice, revision: .november2025, upstreamID: "u1"))
        let found = try await r2.session(opened.id, server: "tickets", principal: Self.alice)
        #expect(found?.upstreamID == "u1")
        #expect(found?.revision == .november2025)
        #expect(try await r2.session(opened.id, server: "tickets", principal: Self.bob) == nil)
        #expect(try await r2.session(opened.id, server: "billing", principal: Self.alice) == nil)
        var viaBot = Self.alice
        viaBot.actors = [Principal.Actor(issuer: "https://idp", subject: "bot", source: .workload)]
        #expect(try await r2.session(opened.id, server: "tickets", principal: viaBot) == nil)
        await r2.close(opened.id)
        #expect(try await r1.session(opened.id, server: "tickets", principal: Self.alice) == nil)
    }

    @Test func idleSessionsAreNotFoundAndOneCallerCannotHoldMoreThanItsShare() async throws {
        let (r1, r2) = try await Self.replicas(idle: .milliseconds(300), maximumPerPrincipal: 3)
        let first = try #require(await r1.open(server: "s", principal: Self.alice, revision: .june2025, upstreamID: nil))
        for _ in 0..<3 { _ = await r2.open(server: "s", principal: Self.alice, revision: .june2025, upstreamID: nil) }
        #expect(try await r1.session(first.id, server: "s", principal: Self.alice) == nil)  // the oldest made room
        let bobs = try #require(await r2.open(server: "s", principal: Self.bob, revision: .june2025, upstreamID: nil))
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await r1.session(bobs.id, server: "s", principal: Self.bob) == nil)  // idle too long
    }

    @Test func aServerRequestIsAnsweredOnceAcrossReplicas() async throws {
        let (r1, r2) = try await Self.replicas()
        let s = try #require(await r1.open(server: "s", principal: Self.alice, revision: .november2025, upstreamID: nil))
        #expect(!(await r2.takeAnswer(s.id, to: .integer(7))))
        await r1.expectAnswer(s.id, to: .integer(7))
        #expect(await r2.takeAnswer(s.id, to: .integer(7)))
        #expect(!(await r1.takeAnswer(s.id, to: .integer(7))))
    }

    @Test func anUnreachableTableFailsTheLookupInsteadOfAnsweringNotFound() async throws {
        let dsn = try PostgresDSN("postgres://u:p@127.0.0.1:9/none?sslmode=disable")
        let db = try SharedDatabase(
            dsn: dsn, configuration: DatabaseConfiguration(url: try SecretReference("env:UNUSED"), queryTimeoutSeconds: 0.3), replica: "x")
        db.start()
        let (r1, _) = try await Self.replicas()
        let opened = try #require(await r1.open(server: "s", principal: Self.alice, revision: .november2025, upstreamID: nil))
        // A store whose database is gone: the schema was made above, this client points nowhere.
        let broken = MCPSessions(idleLimit: .seconds(60), shared: PostgresMCPSessionStore(unmigrated: db))
        await #expect(throws: DatabaseUnavailable.self) { try await broken.session(opened.id, server: "s", principal: Self.alice) }
        let refused = await broken.open(server: "s", principal: Self.alice, revision: .november2025, upstreamID: nil)
        #expect(refused == nil)
        db.close()
    }
}
