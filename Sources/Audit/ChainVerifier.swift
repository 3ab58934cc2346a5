import Crypto
import Foundation

/// Why a log failed verification, naming the first bad record.
public struct VerificationFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case modified, missing, reordered, truncated
        case badCheckpoint = "bad_checkpoint"
    }

    public var kind: Kind
    /// The first record that is bad (or, for a checkpoint, the last record it covers).
    public var sequence: Int
    public var detail: String

    public var description: String { "record \(sequence): \(kind.rawValue) — \(detail)" }
}

/// The result of checking a whole log.
public struct VerificationReport: Sendable {
    public var records = 0
    public var checkpointsVerified = 0
    public var latestCheckpointSize = 0
    public var contentRemoved = 0
    public var failure: VerificationFailure?
    public var warnings: [String] = []
    public var isIntact: Bool { failure == nil }
}

/// Checks the chain, every column against the hashed record, stored content against its digest, the
/// Merkle root at every checkpoint, and every checkpoint signature.
public enum ChainVerifier {
    /// - Parameters:
    ///   - trustedKeys: verifier keys to check signatures with; nil uses the keys recorded in the store
    ///     (self-asserted: proves consistency, not authenticity) and says so in a warning.
    ///   - witnessed: checkpoint notes kept outside the database (e.g. by a witness); they must verify and
    ///     the log must contain them — this catches truncation even when the database's own checkpoints
    ///     were deleted as well.
    public static func verify(
        store: any AuditStore, trustedKeys: [CheckpointVerifier]?, witnessed: [String] = []
    ) async throws -> VerificationReport {
        var report = VerificationReport()
        var keys = trustedKeys ?? []
        if trustedKeys == nil {
            report.warnings.append("no --public-key given: checkpoint signatures checked against the keys stored in the database")
            for line in try await store.metadata("public_keys")?.split(separator: "\n") ?? [] {
                if let k = try? CheckpointVerifier(verifierKey: String(line)) { keys.append(k) }
            }
        }
        // Checkpoints: signature valid, and the parsed note agrees with the columns.
        var expectedRoots: [Int: [UInt8]] = [:]
        for stored in try await store.checkpoints() {
            guard let parsed = keys.lazy.compactMap({ try? SignedCheckpoint.parse(stored.text, verifyingWith: $0) }).first else {
                report.failure = .init(
                    kind: .badCheckpoint, sequence: stored.treeSize,
                    detail: "checkpoint at tree size \(stored.treeSize) has no valid signature by a trusted key")
                return report
            }
            guard parsed.treeSize == stored.treeSize, parsed.rootHash == stored.rootHash else {
                report.failure = .init(
                    kind: .badCheckpoint, sequence: stored.treeSize,
                    detail: "checkpoint row at tree size \(stored.treeSize) differs from its signed note")
                return report
            }
            expectedRoots[parsed.treeSize] = parsed.rootHash
        }
        for (i, note) in witnessed.enumerated() {
            guard let parsed = keys.lazy.compactMap({ try? SignedCheckpoint.parse(note, verifyingWith: $0) }).first else {
                report.failure = .init(kind: .badCheckpoint, sequence: 0, detail: "witnessed checkpoint #\(i + 1) has no valid signature")
                return report
            }
            if let mine = expectedRoots[parsed.treeSize], mine != parsed.rootHash {
                report.failure = .init(
                    kind: .badCheckpoint, sequence: parsed.treeSize,
                    detail: "witnessed checkpoint at tree size \(parsed.treeSize) disagrees with the database's checkpoint")
                return report
            }
            expectedRoots[parsed.treeSize] = parsed.rootHash
        }
        let sizes = expectedRoots.keys.sorted()
        report.latestCheckpointSize = sizes.last ?? 0

        var walk = RecordWalk(expectedRoots: expectedRoots)
        var after = 0
        while true {
            let page = try await store.records(after: after, limit: 5000)
            if page.isEmpty { break }
            for row in page {
                if let failure = walk.check(row) {
                    report.failure = failure
                    report.records = walk.frontier.size
                    return report
                }
            }
            after = page.last!.sequence
        }
        report.records = walk.frontier.size
        report.contentRemoved = walk.contentRemoved
        report.checkpointsVerified = walk.checkpointsMatched
        if let last = sizes.last, last > walk.frontier.size {
            report.failure = .init(
                kind: .truncated, sequence: walk.frontier.size + 1,
                detail: "log ends at record \(walk.frontier.size) but a checkpoint was signed at tree size \(last)")
            return report
        }
        let unsigned = walk.frontier.size - (sizes.last ?? 0)
        if unsigned > 0 {
            report.warnings.append("\(unsigned) record(s) after the last checkpoint are protected by the hash chain only")
        }
        return report
    }
}

/// Walks records in sequence order, recomputing the chain and the Merkle frontier.
struct RecordWalk {
    let expectedRoots: [Int: [UInt8]]
    var frontier = MerkleFrontier()
    var previous = CanonicalEncoding.genesis
    var lastCheckpoint = 0
    var checkpointsMatched = 0
    var contentRemoved = 0
    let decoder = JSONDecoder()

    init(expectedRoots: [Int: [UInt8]]) { self.expectedRoots = expectedRoots }

    mutating func check(_ row: StoredRecord) -> VerificationFailure? {
        let seq = frontier.size + 1
        func fail(_ kind: VerificationFailure.Kind, _ detail: String) -> VerificationFailure {
            VerificationFailure(kind: kind, sequence: seq, detail: detail)
        }
        guard row.sequence == seq else { return fail(.missing, "next stored record is \(row.sequence)") }
        guard let s = try? decoder.decode(RecordSkeleton.self, from: Data(row.canonical)) else {
            return fail(.modified, "hashed record is not valid canonical JSON")
        }
        if s.sequence != seq { return fail(.reordered, "hashed record says sequence \(s.sequence)") }
        // Continue from the computed hash, so a flipped hash column blames only its own record.
        let computed = CanonicalEncoding.chainHash(previous: previous, canonical: row.canonical)
        if computed != row.hash {
            return fail(.modified, "record does not match its stored chain hash (record or hash column changed)")
        }
        let columns: [(String, String?, String?)] = [
            ("time", row.time, s.time), ("trail_id", row.trailID, s.trail), ("request_id", row.requestID, s.requestID),
            ("phase", row.phase, s.phase),
            ("subject", row.subject, s.principal?.subject), ("outcome", row.outcome, s.outcome),
        ]
        for (name, column, hashed) in columns where column != hashed {
            return fail(.modified, "column \(name) differs from the hashed record")
        }
        switch (row.content, s.content?.contentSHA256) {
        case (let stored?, let digest?):
            if CanonicalEncoding.sha256Hex(stored) != digest { return fail(.modified, "stored content does not match its digest") }
            if row.contentRemoved != nil { return fail(.modified, "content_removed set on a record that has content") }
        case (.some, nil):
            return fail(.modified, "content stored on a record whose hashed form has none")
        case (nil, .some):
            guard row.contentRemoved == "retention" || row.contentRemoved == "erasure" else { return fail(.modified, "content deleted without a retention or erasure mark") }
            contentRemoved += 1
        case (nil, nil):
            if row.contentRemoved != nil { return fail(.modified, "content_removed set on a record without content") }
        }
        frontier.append(leafHash: MerkleTree.leafHash(row.hash))
        previous = row.hash
        if let root = expectedRoots[frontier.size] {
            guard frontier.root == root else {
                return VerificationFailure(
                    kind: .modified, sequence: lastCheckpoint + 1,
                    detail: "Merkle root at checkpoint \(frontier.size) differs: records \(lastCheckpoint + 1)…\(frontier.size) were rewritten")
            }
            lastCheckpoint = frontier.size
            checkpointsMatched += 1
        }
        return nil
    }
}
