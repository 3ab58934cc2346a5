import Core
import Crypto
import Database
import Foundation

/// The logic of `portcullis audit …`. Each function writes human- or machine-readable lines to `out`
/// (and problems to `err`) and returns the process exit code: 0 success, 1 verification failed or
/// nothing found, 2 usage or I/O error.
public enum AuditCommandLine {
    public typealias Output = @Sendable (String) -> Void

    /// Opens the SQLite file at `db`, or the shared PostgreSQL store when `db` is a `postgres://` connection
    /// string (or `env:NAME` / `file:/path` naming one). Returns the store and how to close it.
    static func openStore(_ db: String, err: Output) async -> (any AuditStore, close: @Sendable () -> Void)? {
        if db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") || db.hasPrefix("env:") || db.hasPrefix("file:") {
            do {
                let text = db.hasPrefix("postgres") ? db : try SecretReference(db).resolve()
                let database = try SharedDatabase(
                    dsn: try PostgresDSN(text), configuration: DatabaseConfiguration(url: try SecretReference("env:PORTCULLIS_DATABASE_URL")),
                    replica: "audit-cli")
                database.start()
                let store = try await PostgresAuditStore(database: database, takesPart: false)
                return (store, { database.close() })
            } catch {
                err("cannot open the shared audit database: \(error)")
                return nil
            }
        }
        guard FileManager.default.fileExists(atPath: db) else {
            err("no audit database at \(db)")
            return nil
        }
        do {
            let store = try SQLiteAuditStore(path: db)
            return (store, { try? store.pool.close() })
        } catch {
            err("cannot open \(db): \(error)")
            return nil
        }
    }

    static func readFile(_ path: String) throws -> String {
        guard let d = FileManager.default.contents(atPath: path), let s = String(data: d, encoding: .utf8) else {
            throw AuditError.invalidPublicKey("cannot read \(path)")
        }
        return s
    }

    /// `audit verify --db PATH [--public-key FILE] [--checkpoint FILE...]`. The public key file holds one
    /// or more verifier keys (one per line) as served on `GET /audit/public-key`.
    public static func verify(
        db: String, publicKeyFile: String?, checkpointFiles: [String] = [], out: Output, err: Output
    ) async -> Int32 {
        guard let (store, close) = await openStore(db, err: err) else { return 2 }
        defer { close() }
        do {
            var keys: [CheckpointVerifier]?
            if let publicKeyFile {
                keys = try readFile(publicKeyFile).split(separator: "\n").filter { !$0.isEmpty }
                    .map { try CheckpointVerifier(verifierKey: String($0)) }
            }
            let notes = try checkpointFiles.map(readFile)
            let report = try await ChainVerifier.verify(store: store, trustedKeys: keys, witnessed: notes)
            for w in report.warnings { err("warning: \(w)") }
            if let f = report.failure {
                out("FAILED \(f)")
                return 1
            }
            out(
                "OK \(report.records) records, chain intact; \(report.checkpointsVerified) checkpoint(s) match (latest tree size \(report.latestCheckpointSize))"
                    + (report.contentRemoved > 0 ? "; content removed from \(report.contentRemoved) record(s) by retention/erasure" : ""))
            return 0
        } catch {
            err("verify: \(error)")
            return 2
        }
    }

    /// `audit prove SEQ --db PATH`: the RFC 6962 inclusion proof of record SEQ in the latest checkpoint,
    /// as JSON, checked before it is printed.
    public static func prove(db: String, sequence: Int, out: Output, err: Output) async -> Int32 {
        guard let (store, close) = await openStore(db, err: err) else { return 2 }
        defer { close() }
        do {
            guard let cp = try await store.latestCheckpoint() else {
                err("no checkpoint yet")
                return 1
            }
            guard sequence >= 1, sequence <= cp.treeSize else {
                err("record \(sequence) is not covered by the latest checkpoint (tree size \(cp.treeSize))")
                return 1
            }
            let hashes = try await store.recordHashes(upTo: cp.treeSize)
            guard hashes.count >= cp.treeSize else {
                err("log has \(hashes.count) records, fewer than the checkpoint's \(cp.treeSize): run audit verify")
                return 1
            }
            let leaves = hashes.prefix(cp.treeSize).map(MerkleTree.leafHash)
            let proof = MerkleTree.inclusionProof(index: sequence - 1, leaves: leaves[...])
            let leaf = leaves[sequence - 1]
            guard MerkleTree.verifyInclusion(leafHash: leaf, index: sequence - 1, treeSize: cp.treeSize, proof: proof, root: cp.rootHash)
            else {
                out("FAILED record \(sequence) is not included in the checkpoint's root: run audit verify")
                return 1
            }
            let b64 = { (h: [UInt8]) in Data(h).base64EncodedString() }
            let result: JSONValue = [
                "sequence": .integer(sequence), "leaf_index": .integer(sequence - 1), "tree_size": .integer(cp.treeSize),
                "record_hash": .string(b64(hashes[sequence - 1])), "leaf_hash": .string(b64(leaf)),
                "root_hash": .string(b64(cp.rootHash)), "proof": .array(proof.map { .string(b64($0)) }),
                "checkpoint": .string(cp.text),
            ]
            out(try jsonLine(result))
            return 0
        } catch {
            err("prove: \(error)")
            return 2
        }
    }

    /// `audit consistency --old M [--new N] --db PATH`: the RFC 6962 consistency proof that the log at
    /// checkpoint size N extends the log at checkpoint size M (default N: the latest checkpoint), for a
    /// witness holding the older checkpoint. Both sizes must be signed checkpoints in the database.
    public static func consistency(db: String, oldSize: Int, newSize: Int? = nil, out: Output, err: Output) async -> Int32 {
        guard let (store, close) = await openStore(db, err: err) else { return 2 }
        defer { close() }
        do {
            let checkpoints = try await store.checkpoints()
            guard let new = newSize.map({ n in checkpoints.first { $0.treeSize == n } }) ?? checkpoints.last,
                let old = checkpoints.first(where: { $0.treeSize == oldSize }), old.treeSize <= new.treeSize
            else {
                err("both sizes must be checkpoints in the database, old ≤ new")
                return 1
            }
            let hashes = try await store.recordHashes(upTo: new.treeSize)
            guard hashes.count >= new.treeSize else {
                err("log has \(hashes.count) records, fewer than the checkpoint's \(new.treeSize): run audit verify")
                return 1
            }
            let leaves = hashes.prefix(new.treeSize).map(MerkleTree.leafHash)
            let proof = MerkleTree.consistencyProof(oldSize: old.treeSize, leaves: leaves[...])
            guard MerkleTree.verifyConsistency(
                oldSize: old.treeSize, newSize: new.treeSize, oldRoot: old.rootHash, newRoot: new.rootHash, proof: proof)
            else {
                out("FAILED the log at \(new.treeSize) does not extend the checkpoint at \(old.treeSize): run audit verify")
                return 1
            }
            let b64 = { (h: [UInt8]) in Data(h).base64EncodedString() }
            out(try jsonLine([
                "old_size": .integer(old.treeSize), "new_size": .integer(new.treeSize),
                "old_root": .string(b64(old.rootHash)), "new_root": .string(b64(new.rootHash)),
                "proof": .array(proof.map { .string(b64($0)) }), "old_checkpoint": .string(old.text),
                "new_checkpoint": .string(new.text),
            ]))
            return 0
        } catch {
            err("consistency: \(error)")
            return 2
        }
    }

    /// `audit erase --subject SUB [--issuer ISS] --db PATH`: for the principal `ISS#SUB`, deletes the content
    /// key (crypto-shredding their encrypted content) and removes their redacted content. The hashed
    /// skeleton stays, so verify passes. Without `--issuer` the subject must appear at one issuer only (the
    /// same `sub` at two issuers is two people): otherwise nothing is erased, the issuers are listed, exit 2.
    public static func erase(db: String, subject: String, issuer: String? = nil, out: Output, err: Output) async -> Int32 {
        guard let (store, close) = await openStore(db, err: err) else { return 2 }
        defer { close() }
        do {
            let decoder = JSONDecoder()
            let rows = try await store.records(subject: subject).compactMap { row in
                (try? decoder.decode(RecordSkeleton.self, from: Data(row.canonical))).map { (row: row, skeleton: $0) }
            }
            let issuers = Set(rows.compactMap { $0.skeleton.principal?.issuer })
            guard let target = issuer ?? (issuers.count == 1 ? issuers.first : nil) else {
                if issuers.isEmpty {
                    err("no records of subject \(subject); pass --issuer to destroy that principal's key anyway")
                    return 1
                }
                err("subject \(subject) appears at \(issuers.count) issuers (\(issuers.sorted().joined(separator: ", "))): pass --issuer")
                return 2
            }
            let principalID = "\(target)#\(subject)"
            // Keys from before issuers were part of the key are keyed by the bare `sub` and shared by every
            // issuer's `sub`: destroying it too over-erases, but never leaves this person's content readable.
            let keys = try await store.deleteSubjectKeys(subjects: [principalID, subject])
            let plaintext = rows.filter {
                $0.row.content != nil && $0.skeleton.principal?.issuer == target && $0.skeleton.content?.mode == .redacted
            }.map(\.row.sequence)
            let removed = try await store.removeContent(sequences: plaintext, reason: "erasure")
            out("erased \(principalID): \(keys) content key(s) destroyed, redacted content removed from \(removed) record(s)")
            return 0
        } catch {
            err("erase: \(error)")
            return 2
        }
    }

    /// `audit retain --days N --db PATH`: removes content of records older than N days.
    public static func retain(db: String, days: Int, now: Date = Date(), out: Output, err: Output) async -> Int32 {
        guard days >= 1 else {
            err("--days must be at least 1")
            return 2
        }
        guard let (store, close) = await openStore(db, err: err) else { return 2 }
        defer { close() }
        do {
            let cutoff = CanonicalEncoding.timeStyle.format(now.addingTimeInterval(-Double(days) * 86_400))
            let n = try await store.removeContent(before: cutoff)
            out("removed content of \(n) record(s) written before \(cutoff)")
            return 0
        } catch {
            err("retain: \(error)")
            return 2
        }
    }

    static func jsonLine(_ v: JSONValue) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(v), as: UTF8.self)
    }
}
