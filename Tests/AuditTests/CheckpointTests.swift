import Foundation
import Testing

@testable import Audit

@Suite struct CheckpointTests {
    @Test func signedNoteHasTheC2SPShapeAndVerifies() throws {
        let signer = try freshSigner(name: "example.com/audit")
        let root = MerkleTree.leafHash([1, 2, 3])
        let cp = try signer.sign(treeSize: 42, rootHash: root)
        let lines = cp.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "example.com/audit")
        #expect(lines[1] == "42")
        #expect(lines[2] == Substring(Data(root).base64EncodedString()))
        #expect(lines[3] == "")
        #expect(lines[4].hasPrefix("— example.com/audit "))
        let blob = try #require(Data(base64Encoded: String(lines[4].split(separator: " ")[2])))
        #expect(blob.count == 68)
        #expect(Array(blob.prefix(4)) == signer.keyID)
        let parsed = try SignedCheckpoint.parse(cp.text, verifyingWith: signer.verifier)
        #expect(parsed.treeSize == 42)
        #expect(parsed.rootHash == root)
    }

    @Test func editedNotesAndForeignKeysAreRejected() throws {
        let signer = try freshSigner(name: "portcullis.audit")
        let cp = try signer.sign(treeSize: 10, rootHash: MerkleTree.leafHash([9]))
        let edited = cp.text.replacingOccurrences(of: "\n10\n", with: "\n11\n")
        #expect(throws: AuditError.self) { try SignedCheckpoint.parse(edited, verifyingWith: signer.verifier) }
        let stranger = try freshSigner(name: "portcullis.audit")
        #expect(throws: AuditError.self) { try SignedCheckpoint.parse(cp.text, verifyingWith: stranger.verifier) }
        #expect(throws: AuditError.self) { try SignedCheckpoint.parse("portcullis.audit\n10\n", verifyingWith: signer.verifier) }
    }

    @Test func verifierKeyRoundTripsAndRejectsAWrongKeyID() throws {
        let signer = try freshSigner(name: "portcullis.audit")
        let vkey = signer.verifier.verifierKey
        let back = try CheckpointVerifier(verifierKey: vkey)
        #expect(back.verifierKey == vkey)
        let parts = vkey.split(separator: "+", maxSplits: 2)
        #expect(throws: AuditError.self) { try CheckpointVerifier(verifierKey: "\(parts[0])+00000000+\(parts[2])") }
        #expect(throws: AuditError.self) { try CheckpointVerifier(verifierKey: "not a key") }
    }

    @Test func signingKeysLoadFromBase64SeedAndPKCS8PEM() throws {
        let seed = Data((0..<32).map { UInt8($0) })
        let fromSeed = try CheckpointSigner(name: "n", keyText: seed.base64EncodedString())
        let der = Data([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]) + seed
        let pem = "-----BEGIN PRIVATE KEY-----\n\(der.base64EncodedString())\n-----END PRIVATE KEY-----\n"
        let fromPEM = try CheckpointSigner(name: "n", keyText: pem)
        #expect(fromSeed.verifier.verifierKey == fromPEM.verifier.verifierKey)
        // RFC 8032 test 1: this seed's public key.
        let seed1 = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let k1 = try CheckpointSigner(name: "n", keyText: Data(seed1).base64EncodedString())
        #expect(k1.verifier.verifierKey.hasSuffix(Data([0x01] + hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")).base64EncodedString()))
        #expect(throws: AuditError.self) { try CheckpointSigner(name: "n", keyText: Data(count: 16).base64EncodedString()) }
        #expect(throws: AuditError.self) { try CheckpointSigner(name: "n", keyText: "literal-not-base64!") }
    }

    @Test func timerSignsACheckpointWhenRecordsWereAdded() async throws {
        let dir = scratchDirectory()
        let config = AuditConfiguration(
            path: dir + "/audit.sqlite", checkpointEveryRecords: 1000, checkpointEverySeconds: 0.05, signingKey: try signingKey(dir))
        let trail = try await AuditTrail.open(configuration: config)
        // Signed at open, so witnesses always get an answer: the empty tree.
        #expect(await trail.latestCheckpoint()?.treeSize == 0)
        #expect(await trail.latestCheckpoint()?.rootHash == MerkleTree.emptyRoot)
        try await writeRequest(trail, id: "t1", outcome: .allowed)
        var waited = 0
        while await trail.latestCheckpoint()?.treeSize != 2, waited < 200 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        let cp = try #require(await trail.latestCheckpoint())
        #expect(cp.treeSize == 2)
        _ = try SignedCheckpoint.parse(cp.text, verifyingWith: try CheckpointVerifier(verifierKey: trail.publicKey()))
        await trail.close()
    }
}
