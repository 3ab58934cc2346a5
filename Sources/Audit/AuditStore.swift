import Foundation

/// One row of the log as the store keeps it: the hashed canonical encoding plus columns for lookup.
public struct StoredRecord: Sendable, Hashable {
    public var sequence: Int
    /// RFC 3339 UTC, as in the canonical encoding.
    public var time: String
    /// The trail (request) the record belongs to: the gateway-generated key records are joined on.
    public var trailID: String
    /// The caller's request id (correlation only; not unique).
    public var requestID: String
    public var phase: String
    public var subject: String?
    public var outcome: String?
    /// The canonical JSON the chain hashes.
    public var canonical: [UInt8]
    /// SHA-256(previous hash || canonical).
    public var hash: [UInt8]
    /// Redacted bodies or ciphertext, outside the hash (bound to it by `content_sha256`).
    public var content: [UInt8]?
    /// Why content was removed (`retention` or `erasure`), if it was.
    public var contentRemoved: String?

    public init(
        sequence: Int, time: String, trailID: String, requestID: String, phase: String, subject: String?, outcome: String?,
        canonical: [UInt8], hash: [UInt8], content: [UInt8]?, contentRemoved: String? = nil
    ) {
        self.sequence = sequence
        self.time = time
        self.trailID = trailID
        self.requestID = requestID
        self.phase = phase
        self.subject = subject
        self.outcome = outcome
        self.canonical = canonical
        self.hash = hash
        self.content = content
        self.contentRemoved = contentRemoved
    }
}

/// A per-subject content key, wrapped (AES-GCM) under the master content key.
public struct WrappedSubjectKey: Sendable, Hashable {
    public var keyID: String
    /// Whose key: the principal id `issuer#subject` (keys written before issuers were part of the key
    /// hold the bare `sub`).
    public var subject: String
    public var wrapped: [UInt8]
    public init(keyID: String, subject: String, wrapped: [UInt8]) {
        self.keyID = keyID
        self.subject = subject
        self.wrapped = wrapped
    }
}

/// What one chained append writes: the records, a checkpoint if one is due, and the chain head after them.
public struct ChainExtension: Sendable {
    public var rows: [StoredRecord]
    public var checkpoint: SignedCheckpoint?
    public var head: ChainState
}

/// Where the trail keeps its records, checkpoints and content keys. `SQLiteAuditStore` is the embedded store
/// (one gateway appends); `PostgresAuditStore` is shared by the replicas of a deployment, which append to one
/// chain in one total order. Every method is one transaction.
public protocol AuditStore: Sendable {
    /// True when several gateways append to this store: the chain head lives in the store and is read under
    /// its lock by every append, so the trail's own copy of the head is only a hint.
    var sharedChain: Bool { get }
    /// Shared store: how long a replica's lease lasts (its renewals run well within it).
    var replicaLeaseSeconds: Double { get }
    /// Appends what `build` chains onto the head, in one transaction; returns the new head. A single-writer
    /// store chains onto `cached` (the trail's own head); a shared store locks its head row, passes it to
    /// `build` and stores the head `build` returns with the records. Returns what `build` made.
    func append(onto cached: ChainState, _ build: @escaping @Sendable (ChainState) throws -> ChainExtension) async throws -> ChainExtension
    /// Closes requests left open: `build` turns the open begin records this gateway is responsible for (its
    /// own after a restart; for a shared store also those of replicas whose lease lapsed) into `aborted`
    /// records chained onto the head, all in one transaction, so no trail is closed twice. Returns the new
    /// head and how many were closed.
    func closeOpenBegins(
        onto cached: ChainState, _ build: @escaping @Sendable (ChainState, [StoredRecord]) throws -> ChainExtension
    ) async throws -> (head: ChainState, closed: Int)
    /// The head as the store holds it, for a shared store (checkpoints sign what every replica wrote); nil
    /// when the trail's own head is authoritative.
    func chainHead() async throws -> ChainState?
    /// Renews this replica's lease in a shared store (no-op for an embedded one).
    func renewReplicaLease() async throws
    /// Appends records (consecutive sequence numbers) and optionally a checkpoint, atomically and
    /// durably: when this returns, the records survive a crash of the process.
    func append(_ records: [StoredRecord], checkpoint: SignedCheckpoint?) async throws
    func saveCheckpoint(_ checkpoint: SignedCheckpoint) async throws
    /// Up to `limit` record hashes with sequence > `after`, in sequence order (rebuilding the Merkle
    /// frontier at start, proofs).
    func recordHashes(after: Int, limit: Int) async throws -> [[UInt8]]
    /// Up to `limit` records with sequence > `after`, in sequence order.
    func records(after: Int, limit: Int) async throws -> [StoredRecord]
    /// The records of one trail, in sequence order.
    func records(trailID: String) async throws -> [StoredRecord]
    /// The records whose caller-given request id is `requestID` (several trails when a client reused it).
    func records(requestID: String) async throws -> [StoredRecord]
    /// Begin records with no end or aborted record in the same trail.
    func openBegins() async throws -> [StoredRecord]
    /// All checkpoints, by tree size.
    func checkpoints() async throws -> [SignedCheckpoint]
    func latestCheckpoint() async throws -> SignedCheckpoint?
    func subjectKey(subject: String) async throws -> WrappedSubjectKey?
    func subjectKey(id: String) async throws -> WrappedSubjectKey?
    /// Stores `key` unless the subject already has one; returns the subject's key either way.
    func insertSubjectKey(_ key: WrappedSubjectKey) async throws -> WrappedSubjectKey
    /// Crypto-shreds: deletes the content keys of these subjects (principal ids, or legacy bare `sub`s).
    /// Returns how many were deleted.
    func deleteSubjectKeys(subjects: [String]) async throws -> Int
    /// Removes stored content of records written before `cutoff` (keeps the hashed skeleton).
    func removeContent(before cutoff: String) async throws -> Int
    /// Removes stored content of the given records, marking why (`erasure`); the skeleton stays.
    func removeContent(sequences: [Int], reason: String) async throws -> Int
    /// All records of one subject, in sequence order (erasure, access requests).
    func records(subject: String) async throws -> [StoredRecord]
    func metadata(_ key: String) async throws -> String?
    func setMetadata(_ key: String, _ value: String) async throws
    /// Takes or renews the lease `name` for `holder` for `seconds` from now, if it is free, expired, or
    /// already `holder`'s; returns whether `holder` holds it now. Replicas sharing a store use it so that one
    /// of them at a time does a job (an audit stream sends `stream.<name>`).
    func claimLease(_ name: String, holder: String, seconds: Double) async throws -> Bool
    /// A cheap write-path check for readiness.
    func ping() async throws
    func close() async throws
}

/// The single-writer behaviour (the embedded store): the trail's head is the head.
extension AuditStore {
    public var sharedChain: Bool { false }
    public var replicaLeaseSeconds: Double { .infinity }

    public func append(onto cached: ChainState, _ build: @escaping @Sendable (ChainState) throws -> ChainExtension) async throws -> ChainExtension {
        let next = try build(cached)
        try await append(next.rows, checkpoint: next.checkpoint)
        return next
    }

    public func closeOpenBegins(
        onto cached: ChainState, _ build: @escaping @Sendable (ChainState, [StoredRecord]) throws -> ChainExtension
    ) async throws -> (head: ChainState, closed: Int) {
        let open = try await openBegins()
        guard !open.isEmpty else { return (cached, 0) }
        let next = try build(cached, open)
        try await append(next.rows, checkpoint: next.checkpoint)
        return (next.head, next.rows.count)
    }

    public func chainHead() async throws -> ChainState? { nil }
    public func renewReplicaLease() async throws {}
}

extension AuditStore {
    /// The hashes of records 1…`count` (or all), read in pages.
    func recordHashes(upTo count: Int = .max) async throws -> [[UInt8]] {
        var all: [[UInt8]] = []
        while all.count < count {
            let page = try await recordHashes(after: all.count, limit: min(50_000, count - all.count))
            if page.isEmpty { break }
            all += page
        }
        return all
    }
}
