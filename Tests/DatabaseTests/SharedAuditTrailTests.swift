import Core
import Database
import Foundation
import Testing

@testable import Audit

/// Several replicas appending to one PostgreSQL audit store: one chain, one total order, checkpoints signed
/// over every replica's records, trails left open by a stopped replica closed exactly once.
@Suite(.enabled(if: TestDatabase.available)) struct SharedAuditTrailTests {
    static func trail(_ db: SharedDatabase, key: SecretReference, every: Int = 40) async throws -> AuditTrail {
        let config = AuditConfiguration(path: "/nonexistent/unused.sqlite", checkpointEveryRecords: every, signingKey: key)
        return try await AuditTrail.open(configuration: config, store: try await PostgresAuditStore(database: db))
    }

    static func request(_ trail: AuditTrail, _ id: String) async throws {
        var r = AuditRecord(
            trailID: TrailID.make(), phase: .begin, context: RequestContext(requestID: id, clientIP: "10.0.0.1", route: "/v1/chat/completions"),
            operation: .chatCompletions, principal: Principal(issuer: "https://idp.example", subject: "alice", kind: .user))
        r.modelRequested = "gpt-test"
        r.requestBody = Array("{\"q\":\"\(id)\"}".utf8)
        try await trail.begin(r)
        r.outcome = .allowed
        r.status = 200
        try await trail.end(r)
    }

    @Test func threeReplicasWriteOneVerifiableChain() async throws {
        let dbs = try await TestDatabase.fresh(replicas: ["r1", "r2", "r3"])
        let key = try signingKeyFile()
        var trails: [AuditTrail] = []
        for db in dbs { trails.append(try await Self.trail(db, key: key)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, trail) in trails.enumerated() {
                for k in 0..<60 { group.addTask { try await Self.request(trail, "r\(i)-\(k)") } }
            }
            try await group.waitForAll()
        }
        let publicKey = trails[0].publicKey()
        for t in trails { await t.close() }
        let store = try await PostgresAuditStore(database: dbs[0], takesPart: false)
        let rows = try await store.records(after: 0, limit: 10_000)
        #expect(rows.count == 3 * 60 * 2)
        #expect(rows.map(\.sequence) == Array(1...rows.count))
        // Every replica's records are in the one order.
        #expect(Set(rows.map { $0.requestID.prefix(2) }) == ["r0", "r1", "r2"])
        let report = try await ChainVerifier.verify(store: store, trustedKeys: [try CheckpointVerifier(verifierKey: publicKey)])
        #expect(report.failure == nil)
        #expect(report.records == rows.count)
        #expect(report.checkpointsVerified >= 2)
        #expect(report.latestCheckpointSize == rows.count)
        for db in dbs { db.close() }
    }

    @Test func recordsReadBackAsWrittenThroughBothAppendPaths() async throws {
        // The records of a batch go as arrays, nullable columns with a mask: a record without principal, outcome or
        // content must read back with NULLs (not empty values), one with them exactly — through the compare-and-swap
        // (the head as last seen) and through the locking transaction (a stale head: the swap misses).
        let dbs = try await TestDatabase.fresh(replicas: ["r1"])
        let store = try await PostgresAuditStore(database: dbs[0])
        let start = try #require(try await store.chainHead())
        func batch(_ id: String) -> [(record: AuditRecord, stored: [UInt8]?)] {
            let bare = AuditRecord(
                trailID: TrailID.make(), phase: .complete, context: RequestContext(requestID: "\(id)-bare", clientIP: "10.0.0.1", route: "/x"),
                operation: nil, principal: nil)
            var full = AuditRecord(
                trailID: TrailID.make(), phase: .begin, context: RequestContext(requestID: "\(id)-full", clientIP: "10.0.0.1", route: "/x"),
                operation: .chatCompletions, principal: Principal(issuer: "https://idp.example", subject: "ålice 'quoted'", kind: .user))
            full.outcome = .allowed
            return [(bare, nil), (full, [0, 1, 2, 255]), (bare, [])]
        }
        func chained(_ id: String) -> @Sendable (ChainState) throws -> ChainExtension {
            let records = batch(id)
            return { head in
                var next = head
                let rows = try next.extend(with: records)
                return ChainExtension(rows: rows, checkpoint: nil, head: next)
            }
        }
        let first = try await store.append(onto: start, chained("cas"))
        // Stale: chained onto `start` again, which is no longer the head.
        let second = try await store.append(onto: start, chained("lock"))
        #expect(second.rows.first?.sequence == 4)
        let read = try await store.records(after: 0, limit: 100)
        #expect(read.count == 6)
        for (written, got) in zip(first.rows + second.rows, read) {
            #expect(got.sequence == written.sequence && got.trailID == written.trailID && got.requestID == written.requestID)
            #expect(got.subject == written.subject && got.outcome == written.outcome && got.phase == written.phase)
            #expect(got.canonical == written.canonical && got.hash == written.hash && got.content == written.content)
        }
        #expect(read[0].subject == nil && read[0].outcome == nil && read[0].content == nil)
        #expect(read[1].subject == "ålice 'quoted'" && read[1].outcome == "allowed" && read[1].content == [0, 1, 2, 255])
        #expect(read[2].content == [])
        for db in dbs { db.close() }
    }

    @Test func aStoppedReplicasOpenTrailsAreClosedOnceByAnother() async throws {
        let dbs = try await TestDatabase.fresh(replicas: ["gone", "alive", "also-alive"], leaseSeconds: 5)
        let key = try signingKeyFile()
        let gone = try await Self.trail(dbs[0], key: key)
        var open = AuditRecord(
            trailID: TrailID.make(), phase: .begin, context: RequestContext(requestID: "in-flight", clientIP: "10.0.0.1", route: "/v1/chat/completions"),
            operation: .chatCompletions, principal: Principal(issuer: "https://idp.example", subject: "bob", kind: .user))
        open.modelRequested = "gpt-test"
        try await gone.begin(open)
        let alive = try await Self.trail(dbs[1], key: key)
        let alsoAlive = try await Self.trail(dbs[2], key: key)
        var live = open
        live.trailID = TrailID.make()
        live.requestID = "live"
        try await alive.begin(live)
        // Within a lease of their own start the survivors judge no one: the gone replica's trail stays open.
        try await dbs[1].query("UPDATE audit_replicas SET lease_until = now() - interval '1 second' WHERE replica = 'gone'", what: "test")
        await alive.maintainSharedStore()
        let early = try await PostgresAuditStore(database: dbs[1], takesPart: false)
        #expect(try await early.records(requestID: "in-flight").map(\.phase) == ["begin"])
        // A lease later, the gone replica's lease has lapsed (it was killed); both survivors run maintenance at once.
        try await Task.sleep(for: .milliseconds(5100))
        try await dbs[1].query("UPDATE audit_replicas SET lease_until = now() - interval '1 second' WHERE replica = 'gone'", what: "test")
        async let a: Void = alive.maintainSharedStore()
        async let b: Void = alsoAlive.maintainSharedStore()
        _ = await (a, b)
        let store = try await PostgresAuditStore(database: dbs[1], takesPart: false)
        let rows = try await store.records(requestID: "in-flight")
        #expect(rows.map(\.phase) == ["begin", "aborted"])
        #expect(rows.last?.outcome == "aborted")
        // The live replica's own open request is not touched.
        #expect(try await store.records(requestID: "live").map(\.phase) == ["begin"])
        for t in [gone, alive, alsoAlive] { await t.close() }
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)
        for db in dbs { db.close() }
    }

    @Test func tamperingInTheSharedStoreIsDetected() async throws {
        let dbs = try await TestDatabase.fresh()
        let trail = try await Self.trail(dbs[0], key: try signingKeyFile(), every: 5)
        for k in 0..<12 { try await Self.request(trail, "t\(k)") }
        await trail.close()
        let store = try await PostgresAuditStore(database: dbs[0], takesPart: false)
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)
        try await store.execute("UPDATE audit_records SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'gpt-test', 'gpt-evil'), 'UTF8') WHERE sequence = 7")
        let report = try await ChainVerifier.verify(store: store, trustedKeys: nil)
        #expect(report.failure != nil)
        #expect("\(report.failure!)".contains("7"))
        dbs[0].close()
    }

    @Test func aDatabaseThatDoesNotAnswerFailsWithinTheDeadline() async throws {
        // A port nothing listens on: the pool keeps trying; the statement must not wait past the deadline.
        let dsn = try PostgresDSN("postgres://u:p@127.0.0.1:9/none?sslmode=disable")
        let db = try SharedDatabase(
            dsn: dsn, configuration: DatabaseConfiguration(url: try SecretReference("env:UNUSED"), queryTimeoutSeconds: 0.5), replica: "x")
        db.start()
        // Without the deadline the pool would keep the caller waiting for a connection that never comes: the
        // failure is the deadline's (timing itself belongs in benchmarks).
        let error = await #expect(throws: DatabaseUnavailable.self) { try await db.ping() }
        #expect(error?.reason.contains("timed out after 0.5s") == true)
        #expect(db.status.ok == false)
        db.close()
    }
}

func signingKeyFile() throws -> SecretReference {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("db-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try CheckpointSigner.generateKeyFile(at: dir + "/signing.key")
    return try SecretReference("file:" + dir + "/signing.key")
}
