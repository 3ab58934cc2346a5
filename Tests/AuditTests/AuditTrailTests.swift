import Core
import Foundation
import Testing

@testable import Audit

@Suite struct AuditTrailTests {
    static let outcomes = AuditRecord.Outcome.allCases.filter { $0 != .aborted }

    @Test func concurrentRequestsOfEveryOutcomeLeaveExactlyOneCompleteTrailEach() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", checkpointEveryRecords: 50, signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        let perOutcome = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, outcome) in Self.outcomes.enumerated() {
                for k in 0..<perOutcome {
                    group.addTask { try await writeRequest(trail, id: "req-\(i)-\(k)", outcome: outcome, subject: "user\(k % 5)") }
                }
            }
            try await group.waitForAll()
        }
        let publicKey = trail.publicKey()
        await trail.close()

        let store = try SQLiteAuditStore(path: config.path)
        let rows = try await store.records(after: 0, limit: 100_000)
        #expect(rows.map(\.sequence) == Array(1...rows.count))
        let byRequest = Dictionary(grouping: rows, by: \.requestID)
        #expect(byRequest.count == Self.outcomes.count * perOutcome)
        for (i, outcome) in Self.outcomes.enumerated() {
            for k in 0..<perOutcome {
                let phases = byRequest["req-\(i)-\(k)"]?.map(\.phase) ?? []
                switch outcome {
                case .refusedAuth, .refusedPolicy, .refusedLimit, .blockedGuardrail, .cacheHit, .invalidRequest, .controlUnavailable:
                    #expect(phases == ["complete"], "\(outcome)")
                default:
                    #expect(phases == ["begin", "end"], "\(outcome)")
                }
                let last = byRequest["req-\(i)-\(k)"]?.last
                #expect(last?.outcome == outcome.rawValue)
            }
        }
        let report = try await ChainVerifier.verify(store: store, trustedKeys: [try CheckpointVerifier(verifierKey: publicKey)])
        #expect(report.failure == nil)
        #expect(report.records == rows.count)
        #expect(report.latestCheckpointSize == rows.count)  // close() signs the tail
    }

    @Test func restartClosesOpenBeginsAsAborted() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        var trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "done", outcome: .allowed)
        var open = AuditRecord(requestID: "in-flight", phase: .begin, action: "chat.completions", principal: AuditPrincipal(principal("bob")))
        open.modelRequested = "gpt-test"
        try await trail.begin(open)
        await trail.close()  // simulates a crash for the purpose of this test: no end was written

        trail = try await AuditTrail.open(configuration: config)
        let store = try SQLiteAuditStore(path: config.path)
        let rows = try await store.records(requestID: "in-flight")
        #expect(rows.map(\.phase) == ["begin", "aborted"])
        #expect(rows.last?.outcome == "aborted")
        #expect(rows.last?.subject == "bob")
        #expect(try await store.openBegins().isEmpty)
        // Opening again does not abort anything twice.
        await trail.close()
        trail = try await AuditTrail.open(configuration: config)
        #expect(try await store.records(requestID: "in-flight").count == 2)
        await trail.close()
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)
    }

    @Test func hashModeKeepsDigestsAndNeverTheBodies() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        var r = AuditRecord(requestID: "h1", phase: .begin, action: "chat.completions")
        let body = Array("{\"secret\":\"tell nobody 4111111111111111\"}".utf8)
        r.requestBody = body
        try await trail.begin(r)
        await trail.close()
        let store = try SQLiteAuditStore(path: config.path)
        let row = try #require(try await store.records(requestID: "h1").first)
        let canonical = String(decoding: row.canonical, as: UTF8.self)
        #expect(!canonical.contains("4111111111111111"))
        #expect(canonical.contains(CanonicalEncoding.sha256Hex(body)))
        #expect(row.content == nil)
    }

    @Test func aDigestComputedAsTheBodyWentByIsRecordedAsTheBodysDigest() async throws {
        let pieces = ["data: {\"a\":1}", "more text é", "[DONE]"].map { Array($0.utf8) + [10] }
        var hasher = ContentDigest.Hasher()
        for p in pieces { hasher.update(p) }
        let whole = pieces.flatMap { $0 }
        #expect(hasher.digest == ContentDigest(sha256Hex: CanonicalEncoding.sha256Hex(whole), bytes: whole.count))
        let capture = ContentCapture(mode: .hash)
        let streamed = try capture.capture(request: nil, response: nil, responseDigest: hasher.digest, trailID: "t", subjectKey: nil)
        let buffered = try capture.capture(request: nil, response: whole, trailID: "t", subjectKey: nil)
        #expect(streamed.summary == buffered.summary && streamed.summary?.responseBytes == whole.count)
        #expect(streamed.stored == nil)
        // Only `hash` takes a digest for the body; an empty digest is no body.
        #expect(try ContentCapture(mode: .none).capture(request: nil, response: nil, responseDigest: hasher.digest, trailID: "t", subjectKey: nil).summary == nil)
        #expect(try capture.capture(request: nil, response: nil, responseDigest: ContentDigest.Hasher().digest, trailID: "t", subjectKey: nil).summary == nil)
    }

    @Test func failedStoreRefusesBeginWithAuditUnavailable() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        let sqlite = try SQLiteAuditStore(path: config.path)
        let trail = try await AuditTrail.open(configuration: config, store: sqlite)
        try await writeRequest(trail, id: "ok", outcome: .allowed)
        // The store's tables become unwritable: every begin must fail, typed, and nothing is half-written.
        try await sqlite.execute("CREATE TRIGGER no_writes BEFORE INSERT ON records BEGIN SELECT RAISE(FAIL, 'disk full'); END")
        await #expect(throws: AuditUnavailable.self) {
            try await trail.begin(AuditRecord(requestID: "refused", phase: .begin, action: "chat.completions"))
        }
        #expect(await trail.failureCount() == 1)
        #expect(try await sqlite.records(requestID: "refused").isEmpty)
        // Recovery: once the store takes writes again the chain continues without a gap.
        try await sqlite.execute("DROP TRIGGER no_writes")
        try await writeRequest(trail, id: "after", outcome: .allowed)
        await trail.close()
        let store = try SQLiteAuditStore(path: config.path)
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)
        #expect(try await store.records(after: 0, limit: 100).count == 4)
    }

    @Test func readinessFollowsTheStore() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        #expect(await trail.isHealthy())
        await trail.close()
        #expect(await !trail.isHealthy())
        await #expect(throws: AuditUnavailable.self) { try await writeRequest(trail, id: "late", outcome: .allowed) }
    }

    @Test func configuredRetentionRemovesOldContentFromARunningTrail() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(
            path: dir + "/audit.sqlite", content: .redacted, signingKey: try signingKey(dir), retentionDays: 7)
        let trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "r1", outcome: .allowed)
        await trail.applyRetention(now: Date().addingTimeInterval(6 * 86_400))  // not old enough yet
        let store = try SQLiteAuditStore(path: config.path)
        #expect(try await store.records(requestID: "r1").allSatisfy { $0.content != nil })
        await trail.applyRetention(now: Date().addingTimeInterval(8 * 86_400))
        #expect(try await store.records(requestID: "r1").allSatisfy { $0.content == nil && $0.contentRemoved == "retention" })
        await trail.close()
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)
    }

    @Test func emptyBodiesAreRecordedAsNoContent() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        var r = AuditRecord(requestID: "e", phase: .complete, action: "chat.completions", requestBody: [], responseBody: [])
        r.outcome = .refusedAuth
        try await trail.complete(r)
        await trail.close()
        let row = try #require(try await SQLiteAuditStore(path: config.path).records(requestID: "e").first)
        #expect(!String(decoding: row.canonical, as: UTF8.self).contains("\"content\""))
    }

    @Test func badKeysStopStartUpWithATypedError() async throws {
        let dir = scratchDirectory()
        let badSeed = AuditConfiguration(path: dir + "/a.sqlite", signingKey: try secretFile(dir, "s", "c2hvcnQ="))
        await #expect(throws: AuditError.invalidSigningKey("seed must be 32 bytes, got 5")) {
            _ = try await AuditTrail.open(configuration: badSeed)
        }
        let badMaster = AuditConfiguration(
            path: dir + "/b.sqlite", content: .encrypted, signingKey: try signingKey(dir), contentKey: try secretFile(dir, "m", "dG9vIHNob3J0"))
        await #expect(throws: AuditError.self) { _ = try await AuditTrail.open(configuration: badMaster) }
        let missing = AuditConfiguration(path: dir + "/c.sqlite", signingKey: try SecretReference("env:PORTCULLIS_TEST_UNSET_KEY"))
        await #expect(throws: SecretReference.Failure.missingEnvironment("PORTCULLIS_TEST_UNSET_KEY")) {
            _ = try await AuditTrail.open(configuration: missing)
        }
        let unwritable = AuditConfiguration(path: "/proc/portcullis-audit/audit.sqlite", signingKey: try signingKey(dir))
        await #expect(throws: AuditUnavailable.self) { _ = try await AuditTrail.open(configuration: unwritable) }
    }

    @Test func theStoreIsWALWithFullSynchronousCommits() async throws {
        let store = try SQLiteAuditStore(path: scratchDirectory() + "/audit.sqlite")
        #expect(try await store.writerPragma("journal_mode") == "wal")
        #expect(try await store.writerPragma("synchronous") == "2")  // FULL
    }

    @Test func configurationRejectsUnknownKeysAndFillsDefaults() throws {
        let d = JSONDecoder()
        let c = try d.decode(AuditConfiguration.self, from: Data("{}".utf8))
        #expect(c.path == "data/audit.sqlite")
        #expect(c.failMode == .closed)
        #expect(c.content == .hash)
        #expect(throws: DecodingError.self) { try d.decode(AuditConfiguration.self, from: Data(#"{"fail_mod":"open"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try d.decode(AuditConfiguration.self, from: Data(#"{"content":"encrypted"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try d.decode(AuditConfiguration.self, from: Data(#"{"signing_key":"bG9s"}"#.utf8)) }
        let full = try d.decode(AuditConfiguration.self, from: Data(#"""
            {"path":"/tmp/a.sqlite","fail_mode":"open","content":"encrypted","content_key":"env:K",
             "checkpoint_every_records":10,"checkpoint_every_seconds":5,"signing_key":"file:/k","retention_days":30}
            """#.utf8))
        #expect(full.failMode == .open)
        #expect(full.retentionDays == 30)
        #expect(full.contentKey?.reference == "env:K")
    }
}
