import Foundation
import Testing

@testable import Audit

/// Every edit an administrator with database access could make is caught and named.
@Suite struct TamperTests {
    /// A log of 30 records (redacted mode, so content is stored), checkpoints every 10 records.
    static func makeLog() async throws -> (path: String, publicKey: CheckpointVerifier) {
        let dir = scratchDirectory()
        let config = AuditConfiguration(
            path: dir + "/audit.sqlite", content: .redacted, checkpointEveryRecords: 10, signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        for i in 0..<15 { try await writeRequest(trail, id: "r\(i)", outcome: .allowed, subject: "user\(i % 3)") }
        let key = try CheckpointVerifier(verifierKey: trail.publicKey())
        await trail.close()
        return (config.path, key)
    }

    func verify(_ path: String, _ key: CheckpointVerifier, witnessed: [String] = []) async throws -> VerificationFailure? {
        let store = try SQLiteAuditStore(path: path)
        defer { try? store.pool.close() }
        return try await ChainVerifier.verify(store: store, trustedKeys: [key], witnessed: witnessed).failure
    }

    func row(_ store: SQLiteAuditStore, _ seq: Int) async throws -> StoredRecord {
        try #require(try await store.records(after: seq - 1, limit: 1).first)
    }

    static func flip(_ s: String) -> String {
        var b = Array(s.utf8)
        b[b.count / 2] ^= 0x01
        return String(decoding: b, as: UTF8.self)
    }

    static func flip(_ b: [UInt8]) -> Data {
        var b = b
        b[b.count / 2] ^= 0x01
        return Data(b)
    }

    @Test func intactLogVerifies() async throws {
        let (path, key) = try await Self.makeLog()
        #expect(try await verify(path, key) == nil)
    }

    @Test(arguments: ["seq", "time", "request_id", "phase", "subject", "outcome", "canonical", "hash", "content", "content_removed"])
    func flippingOneByteInAnyColumnIsCaughtAtThatRecord(column: String) async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        let r = try await row(store, 5)
        let value: (any Sendable)? = switch column {
        case "seq": 5 ^ 0x100
        case "time": Self.flip(r.time)
        case "request_id": Self.flip(r.requestID)
        case "phase": Self.flip(r.phase)
        case "subject": Self.flip(r.subject!)
        case "outcome": "timeout"  // record 5 is a begin (no outcome): give it one
        case "canonical": Self.flip(r.canonical)
        case "hash": Self.flip(r.hash)
        case "content": Self.flip(r.content!)
        default: "retention"  // content_removed on a record that still has content
        }
        try await store.execute("UPDATE records SET \(column) = ? WHERE seq = 5", [value])
        try await store.close()
        let failure = try #require(try await verify(path, key), "\(column) edit not detected")
        #expect(failure.sequence == 5, "\(column): \(failure)")
        #expect(failure.kind == (column == "seq" ? .missing : .modified), "\(column): \(failure)")
    }

    @Test(arguments: ["tree_size", "root", "note"])
    func editingAnyCheckpointColumnIsCaught(column: String) async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        let cp = try #require(try await store.checkpoints().first { $0.treeSize == 20 })
        let value: any Sendable = switch column {
        case "tree_size": 19
        case "root": Self.flip(cp.rootHash)
        default: Self.flip(cp.text)
        }
        try await store.execute("UPDATE checkpoints SET \(column) = ? WHERE tree_size = 20", [value])
        let f = try #require(try await verify(path, key), "\(column) edit not detected")
        #expect(f.kind == .badCheckpoint, "\(column): \(f)")
        #expect(f.sequence == (column == "tree_size" ? 19 : 20), "\(column): \(f)")
    }

    @Test func deletingARowNamesTheMissingRecord() async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        try await store.execute("DELETE FROM records WHERE seq = 17")
        let f = try #require(try await verify(path, key))
        #expect(f.kind == .missing)
        #expect(f.sequence == 17)
    }

    @Test func swappingTwoRowsIsCaughtAsReordered() async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        // Exchange everything but the sequence number between records 8 and 9.
        let cols = "time, request_id, phase, subject, outcome, canonical, hash, content, content_removed"
        try await store.execute("CREATE TEMP TABLE t AS SELECT * FROM records WHERE seq IN (8, 9)")
        try await store.execute("UPDATE records SET (\(cols)) = (SELECT \(cols) FROM t WHERE t.seq = 9) WHERE seq = 8")
        try await store.execute("UPDATE records SET (\(cols)) = (SELECT \(cols) FROM t WHERE t.seq = 8) WHERE seq = 9")
        let f = try #require(try await verify(path, key))
        #expect(f.kind == .reordered)
        #expect(f.sequence == 8)
    }

    @Test func truncatingAfterACheckpointIsCaught() async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        try await store.execute("DELETE FROM records WHERE seq > 22")
        let f = try #require(try await verify(path, key))
        #expect(f.kind == .truncated)
        #expect(f.sequence == 23)
    }

    @Test func truncatingRecordsAndCheckpointsIsCaughtByAWitnessedCheckpoint() async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        let witnessed = try #require(try await store.latestCheckpoint()).text
        try await store.execute("DELETE FROM records WHERE seq > 12")
        try await store.execute("DELETE FROM checkpoints WHERE tree_size > 10")
        #expect(try await verify(path, key) == nil)  // without a witness the cut is invisible…
        let f = try #require(try await verify(path, key, witnessed: [witnessed]))  // …with one it is not
        #expect(f.kind == .truncated)
        #expect(f.sequence == 13)
    }

    @Test func replacingACheckpointSignatureIsCaught() async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        let forger = try freshSigner(name: key.name)
        let cp = try #require(try await store.checkpoints().first { $0.treeSize == 20 })
        let forged = try forger.sign(treeSize: cp.treeSize, rootHash: cp.rootHash)
        try await store.execute("UPDATE checkpoints SET note = ? WHERE tree_size = 20", [forged.text])
        let f = try #require(try await verify(path, key))
        #expect(f.kind == .badCheckpoint)
        #expect(f.sequence == 20)
    }

    @Test func rewritingARecordAndRechainingEverythingAfterIsCaughtByTheCheckpointRoot() async throws {
        let (path, key) = try await Self.makeLog()
        let store = try SQLiteAuditStore(path: path)
        var rows = try await store.records(after: 0, limit: 100)
        var text = String(decoding: rows[13].canonical, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"outcome\":\"allowed\"", with: "\"outcome\":\"refused_policy\"")
        rows[13].canonical = Array(text.utf8)
        var prev = CanonicalEncoding.genesis
        for i in rows.indices {
            rows[i].hash = CanonicalEncoding.chainHash(previous: prev, canonical: rows[i].canonical)
            prev = rows[i].hash
            try await store.execute(
                "UPDATE records SET canonical = ?, hash = ?, outcome = ? WHERE seq = ?",
                [Data(rows[i].canonical), Data(rows[i].hash), i == 13 ? "refused_policy" : rows[i].outcome, rows[i].sequence])
        }
        let f = try #require(try await verify(path, key))
        #expect(f.kind == .modified)
        #expect(f.sequence == 11)  // the first record after the last intact checkpoint (10)
    }

    @Test func aDifferentPublicKeyFailsVerification() async throws {
        let (path, _) = try await Self.makeLog()
        let other = try freshSigner(name: "portcullis.audit").verifier
        let f = try #require(try await verify(path, other))
        #expect(f.kind == .badCheckpoint)
    }
}
