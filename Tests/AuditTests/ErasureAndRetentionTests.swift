import Core
import Foundation
import Synchronization
import Testing

@testable import Audit

/// Collects a command's output lines.
final class Lines: Sendable {
    private let stored = Mutex<[String]>([])
    var all: [String] { stored.withLock { $0 } }
    var text: String { all.joined(separator: "\n") }
    var sink: AuditCommandLine.Output { { line in self.stored.withLock { $0.append(line) } } }
}

@Suite struct ErasureAndRetentionTests {
    static func encryptedTrail(_ dir: String) throws -> AuditConfiguration {
        let master = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        return AuditConfiguration(
            path: dir + "/audit.sqlite", content: .encrypted, signingKey: try signingKey(dir),
            contentKey: try secretFile(dir, "content.key", master))
    }

    func decrypt(_ store: SQLiteAuditStore, _ row: StoredRecord, _ config: AuditConfiguration) async throws -> String? {
        let master = try SubjectKeyring.masterKey(try config.contentKey!.resolve())
        let skeleton = try JSONDecoder().decode(RecordSkeleton.self, from: Data(row.canonical))
        guard let id = skeleton.content?.keyID, let wrapped = try await store.subjectKey(id: id) else { return nil }
        let env = try ContentCapture.open(stored: row.content!, key: try SubjectKeyring.unwrap(wrapped, master: master), trailID: row.trailID)
        return env.request.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func encryptedContentIsSealedAndEraseCryptoShredsOnlyThatSubject() async throws {
        let dir = scratchDirectory()
        let config = try Self.encryptedTrail(dir)
        let trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "a1", outcome: .allowed, subject: "alice")
        try await writeRequest(trail, id: "b1", outcome: .allowed, subject: "bob")
        try await writeRequest(trail, id: "a2", outcome: .refusedPolicy, subject: "alice")
        await trail.close()

        let store = try SQLiteAuditStore(path: config.path)
        let a1 = try #require(try await store.records(requestID: "a1").first)
        let b1 = try #require(try await store.records(requestID: "b1").first)
        // Sealed at rest: the plaintext is not in the row, but the key opens it.
        #expect(!String(decoding: a1.content!, as: UTF8.self).contains("hello a1"))
        #expect(!String(decoding: a1.canonical, as: UTF8.self).contains("hello a1"))
        #expect(try await decrypt(store, a1, config) == "{\"messages\":[\"hello a1\"]}")

        let out = Lines(), err = Lines()
        #expect(await AuditCommandLine.erase(db: config.path, subject: "alice", out: out.sink, err: err.sink) == 0)
        #expect(out.text.contains("erased https://idp.example#alice: 1 content key(s) destroyed"))

        let after = try SQLiteAuditStore(path: config.path)
        let a1After = try #require(try await after.records(requestID: "a1").first)
        #expect(a1After.content == a1.content)  // ciphertext still there…
        #expect(try await decrypt(after, a1After, config) == nil)  // …but no key can open it
        #expect(try await after.subjectKey(subject: "https://idp.example#alice") == nil)
        #expect(try await decrypt(after, b1, config) == "{\"messages\":[\"hello b1\"]}")  // bob untouched
        #expect(try await ChainVerifier.verify(store: after, trustedKeys: nil).failure == nil)

        let shown = Lines()
        #expect(await AuditCommandLine.show(db: config.path, id: "a1", contentKey: config.contentKey, out: shown.sink, err: err.sink) == 0)
        #expect(shown.text.contains("erased"))
        #expect(!shown.text.contains("hello a1"))
        let bobShown = Lines()
        _ = await AuditCommandLine.show(db: config.path, id: "b1", contentKey: config.contentKey, out: bobShown.sink, err: err.sink)
        #expect(bobShown.text.contains("hello b1"))
    }

    @Test func aNewRecordAfterEraseGetsAFreshKey() async throws {
        let dir = scratchDirectory()
        let config = try Self.encryptedTrail(dir)
        var trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "x1", outcome: .allowed, subject: "carol")
        await trail.close()
        _ = await AuditCommandLine.erase(db: config.path, subject: "carol", out: Lines().sink, err: Lines().sink)
        trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "x2", outcome: .allowed, subject: "carol")
        await trail.close()
        let store = try SQLiteAuditStore(path: config.path)
        let x2 = try #require(try await store.records(requestID: "x2").first)
        #expect(try await decrypt(store, x2, config) == "{\"messages\":[\"hello x2\"]}")
        let x1 = try #require(try await store.records(requestID: "x1").first)
        #expect(try await decrypt(store, x1, config) == nil)
    }

    @Test func eraseRemovesRedactedContentAndVerifyStillPasses() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", content: .redacted, signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "d1", outcome: .allowed, subject: "dave")
        try await writeRequest(trail, id: "e1", outcome: .allowed, subject: "erin")
        await trail.close()
        _ = await AuditCommandLine.erase(db: config.path, subject: "dave", out: Lines().sink, err: Lines().sink)
        let store = try SQLiteAuditStore(path: config.path)
        #expect(try await store.records(subject: "dave").allSatisfy { $0.content == nil && $0.contentRemoved == "erasure" })
        #expect(try await store.records(subject: "erin").allSatisfy { $0.content != nil })
        let report = try await ChainVerifier.verify(store: store, trustedKeys: nil)
        #expect(report.failure == nil)
        #expect(report.contentRemoved == 2)
    }

    @Test func retentionRemovesOldContentButVerifyPasses() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", content: .redacted, signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        for i in 0..<5 { try await writeRequest(trail, id: "old\(i)", outcome: .allowed) }
        await trail.close()
        let out = Lines()
        // Thirty-one days from now, everything written today is older than 30 days.
        let later = Date().addingTimeInterval(31 * 86_400)
        #expect(await AuditCommandLine.retain(db: config.path, days: 30, now: later, out: out.sink, err: Lines().sink) == 0)
        #expect(out.text.contains("removed content of 10 record(s)"))
        let store = try SQLiteAuditStore(path: config.path)
        #expect(try await store.records(after: 0, limit: 100).allSatisfy { $0.content == nil && $0.contentRemoved == "retention" })
        let verified = Lines()
        #expect(await AuditCommandLine.verify(db: config.path, publicKeyFile: nil, out: verified.sink, err: Lines().sink) == 0)
        #expect(verified.text.contains("content removed from 10 record(s)"))
        // Deleting content without the retention mark is tampering.
        try await store.execute("UPDATE records SET content_removed = NULL WHERE seq = 3")
        #expect(await AuditCommandLine.verify(db: config.path, publicKeyFile: nil, out: Lines().sink, err: Lines().sink) == 1)
    }
}
