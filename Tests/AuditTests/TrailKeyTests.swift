import Core
import Foundation
import Testing

@testable import Audit

/// Trails are keyed by a gateway-generated id; the caller's request id is only a correlation field.
@Suite struct TrailKeyTests {
    @Test func trailIDsAreVersion7UUIDsThatDoNotRepeat() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = TrailID.make()
            #expect(seen.insert(id).inserted)
            let u = Array(id.utf8)
            #expect(u.count == 36)
            #expect(u[14] == UInt8(ascii: "7"))  // version
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(u[19]))  // variant
            #expect(id.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
        }
        // The first 48 bits are the time, so ids sort by time.
        let early = TrailID.make(at: Date(timeIntervalSince1970: 1_700_000_000))
        let late = TrailID.make(at: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(early < late)
        #expect(early.hasPrefix("018bcfe5"))
    }

    /// A client reuses an x-request-id: one request crashed after its begin, the other finished. The
    /// crashed one must still be closed as aborted at the next start (joined on the trail, not the id).
    @Test func aReusedRequestIDNeitherHidesACrashedBeginNorMergesTrails() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        var trail = try await AuditTrail.open(configuration: config)
        let crashed = AuditRecord(requestID: "same", phase: .begin, action: "chat.completions", principal: AuditPrincipal(principal("a")))
        try await trail.begin(crashed)
        var finished = AuditRecord(requestID: "same", phase: .begin, action: "chat.completions", principal: AuditPrincipal(principal("b")))
        try await trail.begin(finished)
        finished.outcome = .allowed
        finished.status = 200
        try await trail.end(finished)
        #expect(crashed.trailID != finished.trailID)
        await trail.close()  // as if the gateway died: `crashed` has no end

        trail = try await AuditTrail.open(configuration: config)
        await trail.close()
        let store = try SQLiteAuditStore(path: config.path)
        #expect(try await store.records(trailID: crashed.trailID).map(\.phase) == ["begin", "aborted"])
        #expect(try await store.records(trailID: finished.trailID).map(\.phase) == ["begin", "end"])
        #expect(try await store.records(requestID: "same").count == 4)
        #expect(try await store.openBegins().isEmpty)
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)

        // show: by trail id one trail; by request id both, each record naming its trail.
        let one = Lines()
        #expect(await AuditCommandLine.show(db: config.path, id: crashed.trailID, out: one.sink, err: Lines().sink) == 0)
        #expect(try jsonObjects(one).map { $0["phase"]?.stringValue } == ["begin", "aborted"])
        let both = Lines(), warning = Lines()
        #expect(await AuditCommandLine.show(db: config.path, id: "same", out: both.sink, err: warning.sink) == 0)
        #expect(Set(try jsonObjects(both).compactMap { $0["trail_id"]?.stringValue }) == [crashed.trailID, finished.trailID])
        #expect(warning.text.contains("used by 2 trails"))

        // OCSF pairs each end with its own begin: two events, each with its own principal.
        let ocsf = Lines()
        #expect(await AuditCommandLine.export(db: config.path, format: .ocsf, out: ocsf.sink, err: Lines().sink) == 0)
        let events = try jsonObjects(ocsf)
        #expect(events.count == 2)
        let byTrail = Dictionary(uniqueKeysWithValues: events.map { ($0["api"]?["request"]?["uid"]?.stringValue ?? "", $0) })
        #expect(byTrail[crashed.trailID]?["actor"]?["user"]?["uid"] == "a")
        #expect(byTrail[crashed.trailID]?["unmapped"]?["outcome"] == "aborted")
        #expect(byTrail[finished.trailID]?["actor"]?["user"]?["uid"] == "b")
        #expect(byTrail[finished.trailID]?["metadata"]?["correlation_uid"] == "same")
    }

    @Test func editingTheTrailColumnIsCaught() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "t1", outcome: .allowed)
        try await writeRequest(trail, id: "t2", outcome: .allowed)
        await trail.close()
        let store = try SQLiteAuditStore(path: config.path)
        // Re-pointing an end record at another trail would make an open begin look closed.
        let t1 = try await store.records(requestID: "t1")
        try await store.execute("UPDATE records SET trail_id = ? WHERE seq = 4", [t1[0].trailID])
        let failure = try #require(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure)
        #expect(failure.sequence == 4)
        #expect(failure.detail.contains("trail_id"))
    }

    /// A database written before trail ids: the migration makes every request id its trail id, and old
    /// records (no `trail_id` in the hashed form) still verify and decode.
    @Test func recordsWithoutTrailIDsMigrateToTheirRequestID() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        var trail = try await AuditTrail.open(configuration: config)
        try await trail.begin(AuditRecord(requestID: "old-1", trailID: "old-1", phase: .begin, action: "chat.completions"))
        await trail.close()
        // Rewrite the begin (record 1) as a writer from before trail ids did, and its column as the migration does.
        let store = try SQLiteAuditStore(path: config.path)
        let row = try #require(try await store.records(requestID: "old-1").first)
        var json = try JSONDecoder().decode(JSONValue.self, from: Data(row.canonical))
        if case .object(var o) = json { o["trail_id"] = nil; json = .object(o) }
        let canonical = json.serialized()
        let hash = CanonicalEncoding.chainHash(previous: CanonicalEncoding.genesis, canonical: canonical)
        try await store.execute("DELETE FROM checkpoints")
        try await store.execute("UPDATE records SET canonical = ?, hash = ?, trail_id = request_id WHERE seq = 1", [Data(canonical), Data(hash)])
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)
        let decoded = try CanonicalEncoding.decoder().decode(AuditRecord.self, from: Data(canonical))
        #expect(decoded.trailID == "old-1")
        // The open begin of the old record is found and aborted on its request id.
        trail = try await AuditTrail.open(configuration: config)
        await trail.close()
        #expect(try await store.records(requestID: "old-1").map(\.phase) == ["begin", "aborted"])
    }

    @Test func closeWaitsForEndRecordsWrittenInTheBackground() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(path: dir + "/audit.sqlite", signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        var ids: [String] = []
        for i in 0..<50 {
            var r = AuditRecord(requestID: "bg-\(i)", phase: .begin, action: "chat.completions")
            try await trail.begin(r)
            r.outcome = .allowed
            r.status = 200
            let end = r
            ids.append(r.trailID)
            trail.writeInBackground {
                try? await Task.sleep(for: .milliseconds(Int.random(in: 0...30)))  // still on its way
                try? await trail.end(end)
            }
        }
        await trail.close()
        #expect(trail.backgroundWritesInFlight == 0)
        let store = try SQLiteAuditStore(path: config.path)
        for id in ids { #expect(try await store.records(trailID: id).map(\.phase) == ["begin", "end"]) }
        #expect(try await store.openBegins().isEmpty)
    }
}

/// Encrypted content keys and erasure are per principal (issuer and subject), not per `sub`.
@Suite struct SubjectKeyScopeTests {
    @Test func theSameSubAtTwoIssuersIsTwoPeople() async throws {
        let dir = scratchDirectory()
        let config = try ErasureAndRetentionTests.encryptedTrail(dir)
        let trail = try await AuditTrail.open(configuration: config)
        for (id, issuer) in [("entra-1", "https://entra.example"), ("kc-1", "https://keycloak.example")] {
            var r = AuditRecord(
                requestID: id, phase: .complete, action: "chat.completions",
                principal: AuditPrincipal(issuer: issuer, subject: "alice", kind: "user"))
            r.outcome = .refusedPolicy
            r.requestBody = Array("secret of \(id)".utf8)
            try await trail.complete(r)
        }
        await trail.close()
        let store = try SQLiteAuditStore(path: config.path)
        let entra = try #require(try await store.subjectKey(subject: "https://entra.example#alice"))
        let keycloak = try #require(try await store.subjectKey(subject: "https://keycloak.example#alice"))
        #expect(entra.keyID != keycloak.keyID)

        let err = Lines()
        #expect(await AuditCommandLine.erase(db: config.path, subject: "alice", out: Lines().sink, err: err.sink) == 2)
        #expect(err.text.contains("https://entra.example") && err.text.contains("https://keycloak.example"))
        #expect(try await store.subjectKey(subject: "https://entra.example#alice") != nil)  // nothing erased

        let out = Lines()
        #expect(await AuditCommandLine.erase(
            db: config.path, subject: "alice", issuer: "https://entra.example", out: out.sink, err: Lines().sink) == 0)
        #expect(out.text.contains("erased https://entra.example#alice: 1 content key(s) destroyed"))
        #expect(try await store.subjectKey(subject: "https://entra.example#alice") == nil)
        #expect(try await store.subjectKey(subject: "https://keycloak.example#alice") != nil)
        let shown = Lines()
        _ = await AuditCommandLine.show(db: config.path, id: "kc-1", contentKey: config.contentKey, out: shown.sink, err: Lines().sink)
        #expect(shown.text.contains("secret of kc-1"))
        let gone = Lines()
        _ = await AuditCommandLine.show(db: config.path, id: "entra-1", contentKey: config.contentKey, out: gone.sink, err: Lines().sink)
        #expect(gone.text.contains("erased") && !gone.text.contains("secret of entra-1"))
        #expect(try await ChainVerifier.verify(store: store, trustedKeys: nil).failure == nil)
    }
}

private func jsonObjects(_ lines: Lines) throws -> [[String: JSONValue]] {
    try lines.all.map { try JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8)) }
}
