import Core
import Foundation
import Testing

@testable import Audit

@Suite struct CommandLineTests {
    static func log(_ dir: String, every: Int = 4) async throws -> (AuditConfiguration, String) {
        let config = AuditConfiguration(path: dir + "/audit.sqlite", checkpointEveryRecords: every, signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        try await writeRequest(trail, id: "ok-1", outcome: .allowed, subject: "alice")
        try await writeRequest(trail, id: "denied-1", outcome: .refusedPolicy, subject: "bob")
        try await writeRequest(trail, id: "anon-1", outcome: .refusedAuth)
        try await writeRequest(trail, id: "ok-2", outcome: .upstreamError, subject: "alice")
        let key = trail.publicKey()
        await trail.close()
        let keyFile = dir + "/public.key"
        try key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        return (config, keyFile)
    }

    func objects(_ lines: Lines) throws -> [[String: JSONValue]] {
        try lines.all.map { try JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8)) }
    }

    @Test func verifyExitsZeroWhenIntactAndOneNamingTheRecordOtherwise() async throws {
        let dir = scratchDirectory()
        let (config, keyFile) = try await Self.log(dir)
        let ok = Lines()
        #expect(await AuditCommandLine.verify(db: config.path, publicKeyFile: keyFile, out: ok.sink, err: Lines().sink) == 0)
        #expect(ok.text.hasPrefix("OK 6 records"))
        let store = try SQLiteAuditStore(path: config.path)
        try await store.execute("UPDATE records SET request_id = 'other' WHERE seq = 3")
        let bad = Lines()
        #expect(await AuditCommandLine.verify(db: config.path, publicKeyFile: keyFile, out: bad.sink, err: Lines().sink) == 1)
        #expect(bad.text.hasPrefix("FAILED record 3: modified"))
        #expect(await AuditCommandLine.verify(db: dir + "/nope.sqlite", publicKeyFile: nil, out: Lines().sink, err: Lines().sink) == 2)
    }

    @Test func ocsfExportIsOneAPIActivityEventPerFinishedRequest() async throws {
        let dir = scratchDirectory()
        let (config, _) = try await Self.log(dir)
        let out = Lines()
        #expect(await AuditCommandLine.export(db: config.path, format: .ocsf, out: out.sink, err: Lines().sink) == 0)
        let events = try objects(out)
        #expect(events.count == 4)
        for e in events {
            #expect(e["class_uid"] == 6003)
            #expect(e["category_uid"] == 6)
            #expect(e["activity_id"] == 1)
            #expect(e["type_uid"] == 600301)
            #expect(e["metadata"]?["product"]?["name"] == "Portcullis")
            #expect(e["src_endpoint"]?["ip"] == "10.0.0.7")
            #expect(e["api"]?["operation"] == "chat.completions")
            #expect(e["time"]?.intValue != nil)
        }
        // The request uid is the trail id; the caller's request id is the correlation uid.
        for e in events { #expect(e["api"]?["request"]?["uid"]?.stringValue?.count == 36) }
        let ok = try #require(events.first { $0["metadata"]?["correlation_uid"] == "ok-1" })
        #expect(ok["status"] == "Success")
        #expect(ok["status_code"] == "200")
        #expect(ok["actor"]?["user"]?["uid"] == "alice")  // filled from the begin record
        #expect(ok["actor"]?["idp"]?["name"] == "https://idp.example")
        #expect(ok["actor"]?["authorizations"]?[0]?["policy"]?["uid"] == "p1")
        let denied = try #require(events.first { $0["metadata"]?["correlation_uid"] == "denied-1" })
        #expect(denied["status"] == "Failure")
        #expect(denied["status_code"] == "403")
        #expect(denied["actor"]?["authorizations"]?[0]?["decision"] == "Deny")
        let anon = try #require(events.first { $0["metadata"]?["correlation_uid"] == "anon-1" })
        #expect(anon["actor"]?["user"] == nil)
        #expect(anon["status_detail"] == "invalid_token")
    }

    @Test func jsonlExportFiltersByPrincipalAndTime() async throws {
        let dir = scratchDirectory()
        let (config, _) = try await Self.log(dir)
        let all = Lines()
        _ = await AuditCommandLine.export(db: config.path, format: .jsonl, out: all.sink, err: Lines().sink)
        let records = try objects(all)
        #expect(records.map { $0["sequence"]?.intValue } == (1...6).map { $0 })
        #expect(records.allSatisfy { $0["record_hash"]?.stringValue?.count == 64 })
        let alice = Lines()
        _ = await AuditCommandLine.export(db: config.path, format: .jsonl, principal: "alice", out: alice.sink, err: Lines().sink)
        #expect(try objects(alice).map { $0["request_id"]?.stringValue } == ["ok-1", "ok-1", "ok-2", "ok-2"])
        let future = Lines()
        _ = await AuditCommandLine.export(
            db: config.path, format: .jsonl, since: Date().addingTimeInterval(3600), out: future.sink, err: Lines().sink)
        #expect(future.all.isEmpty)
        #expect(AuditCommandLine.parseTime("2026-11-25") != nil)
        #expect(AuditCommandLine.parseTime("2026-11-25T10:00:00Z") != nil)
        #expect(AuditCommandLine.parseTime("yesterday") == nil)
    }

    @Test func proveGivesAnInclusionProofThatVerifiesAgainstTheSignedRoot() async throws {
        let dir = scratchDirectory()
        let (config, keyFile) = try await Self.log(dir, every: 100)
        let out = Lines()
        #expect(await AuditCommandLine.prove(db: config.path, sequence: 3, out: out.sink, err: Lines().sink) == 0)
        let proof = try #require(try objects(out).first)
        #expect(proof["tree_size"] == 6)  // close() signed the tail
        let verifier = try CheckpointVerifier(verifierKey: String(contentsOfFile: keyFile, encoding: .utf8))
        let cp = try SignedCheckpoint.parse(try #require(proof["checkpoint"]?.stringValue), verifyingWith: verifier)
        let path = try #require(proof["proof"]?.arrayValue).map { Array(Data(base64Encoded: $0.stringValue!)!) }
        let recordHash = Array(Data(base64Encoded: try #require(proof["record_hash"]?.stringValue))!)
        #expect(MerkleTree.verifyInclusion(
            leafHash: MerkleTree.leafHash(recordHash), index: 2, treeSize: cp.treeSize, proof: path, root: cp.rootHash))
        #expect(await AuditCommandLine.prove(db: config.path, sequence: 7, out: Lines().sink, err: Lines().sink) == 1)
    }

    @Test func consistencyProofShowsTheLogOnlyGrew() async throws {
        let dir = scratchDirectory()
        let (config, keyFile) = try await Self.log(dir, every: 2)
        let out = Lines()
        #expect(await AuditCommandLine.consistency(db: config.path, oldSize: 2, out: out.sink, err: Lines().sink) == 0)
        let p = try #require(try objects(out).first)
        #expect(p["old_size"] == 2)
        #expect(p["new_size"] == 6)
        let verifier = try CheckpointVerifier(verifierKey: String(contentsOfFile: keyFile, encoding: .utf8))
        let old = try SignedCheckpoint.parse(try #require(p["old_checkpoint"]?.stringValue), verifyingWith: verifier)
        let new = try SignedCheckpoint.parse(try #require(p["new_checkpoint"]?.stringValue), verifyingWith: verifier)
        let proof = try #require(p["proof"]?.arrayValue).map { Array(Data(base64Encoded: $0.stringValue!)!) }
        #expect(MerkleTree.verifyConsistency(oldSize: 2, newSize: 6, oldRoot: old.rootHash, newRoot: new.rootHash, proof: proof))
        #expect(await AuditCommandLine.consistency(db: config.path, oldSize: 3, out: Lines().sink, err: Lines().sink) == 1)
    }

    @Test func showPrintsTheRequestsRecords() async throws {
        let dir = scratchDirectory()
        let (config, _) = try await Self.log(dir)
        let out = Lines()
        #expect(await AuditCommandLine.show(db: config.path, id: "ok-2", out: out.sink, err: Lines().sink) == 0)
        let rows = try objects(out)
        #expect(rows.map { $0["phase"]?.stringValue } == ["begin", "end"])
        #expect(rows.last?["outcome"] == "upstream_error")
        #expect(await AuditCommandLine.show(db: config.path, id: "missing", out: Lines().sink, err: Lines().sink) == 1)
    }
}
