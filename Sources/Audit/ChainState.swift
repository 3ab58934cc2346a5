import Foundation
import Logging

/// The head of the chain: how many records, the last record hash, and the Merkle frontier — and, for a store
/// several replicas append to, the size of the latest signed checkpoint.
public struct ChainState: Sendable {
    public internal(set) var lastHash: [UInt8] = CanonicalEncoding.genesis
    public internal(set) var frontier = MerkleFrontier()
    /// Tree size of the latest checkpoint (kept with the head by shared stores).
    public internal(set) var checkpointSize = 0

    init() {}

    /// A head as a shared store keeps it.
    public init?(size: Int, lastHash: [UInt8], frontier: [UInt8], checkpointSize: Int) {
        guard let f = MerkleFrontier(size: size, serialized: frontier), lastHash.count == 32 else { return nil }
        self.lastHash = lastHash
        self.frontier = f
        self.checkpointSize = checkpointSize
    }

    static func load(from store: any AuditStore, logger: Logger) async throws -> ChainState {
        var s = ChainState()
        let latest = try await store.latestCheckpoint()
        // Paged, keeping only the frontier: memory stays O(log n) however long the log is.
        while true {
            let page = try await store.recordHashes(after: s.frontier.size, limit: 50_000)
            if page.isEmpty { break }
            for h in page {
                s.frontier.append(leafHash: MerkleTree.leafHash(h))
                s.lastHash = h
                if let latest, s.frontier.size == latest.treeSize, s.frontier.root != latest.rootHash {
                    logger.critical("audit log does not match its latest signed checkpoint; run `portcullis audit verify`")
                }
            }
        }
        return s
    }

    /// Assigns sequence numbers and time, encodes, chains; returns the rows to store.
    mutating func extend(with batch: [(record: AuditRecord, stored: [UInt8]?)]) throws -> [StoredRecord] {
        let now = Date()
        let time = CanonicalEncoding.timeStyle.format(now)
        var rows: [StoredRecord] = []
        rows.reserveCapacity(batch.count)
        for item in batch {
            var r = item.record
            r.sequence = frontier.size + 1
            r.time = now
            let canonical = CanonicalRecordWriter.encode(r, time: time)
            let hash = CanonicalEncoding.chainHash(previous: lastHash, canonical: canonical)
            rows.append(StoredRecord(
                sequence: r.sequence, time: time, trailID: r.trailID, requestID: r.requestID, phase: r.phase.rawValue,
                subject: r.principal?.subject, outcome: r.outcome?.rawValue, canonical: canonical, hash: hash,
                content: item.stored))
            frontier.append(leafHash: MerkleTree.leafHash(hash))
            lastHash = hash
        }
        return rows
    }

    /// The batch chained onto this head, with a checkpoint signed when `checkpointEvery` records have been
    /// appended since the last one: what one append writes.
    func chaining(
        _ batch: [(record: AuditRecord, stored: [UInt8]?)], signer: CheckpointSigner, checkpointEvery: Int
    ) throws -> ChainExtension {
        var next = self
        let rows = try next.extend(with: batch)
        var checkpoint: SignedCheckpoint?
        if next.frontier.size - next.checkpointSize >= checkpointEvery {
            checkpoint = try signer.sign(treeSize: next.frontier.size, rootHash: next.frontier.root)
            next.checkpointSize = next.frontier.size
        }
        return ChainExtension(rows: rows, checkpoint: checkpoint, head: next)
    }
}
