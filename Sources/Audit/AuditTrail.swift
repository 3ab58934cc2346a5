import Core
import Crypto
import Foundation
import Logging
import Synchronization

/// The audit trail of the gateway: appends hash-chained records with group commit, signs Merkle
/// checkpoints, and closes requests left open by a crash.
///
/// Group commit: callers append concurrently; while one transaction is being committed, further records
/// queue up and go into the next transaction together. Each caller returns only when the transaction
/// holding its record is durable, so `begin` returning means the record survives a crash.
public actor AuditTrail {
    public nonisolated let configuration: AuditConfiguration
    /// Where the records are kept (the audit streams read committed records from it).
    public nonisolated let store: any AuditStore
    let logger: Logger
    let signer: CheckpointSigner
    let capture: ContentCapture
    let keyring: SubjectKeyring?

    private var chain: ChainState
    private var latest: SignedCheckpoint?
    private var pending: [(record: AuditRecord, stored: [UInt8]?, done: CheckedContinuation<Void, any Error>)] = []
    /// Trails whose begin a shared store failed to confirm: it may have committed all the same.
    private var uncertainBegins: Set<String> = []
    private var flushing = false
    private var needsResync = false
    private var closing = false
    private var closed = false
    /// Writes started with `writeInBackground` and not finished yet; `close()` waits for them.
    private nonisolated let backgroundWrites = Atomic<Int>(0)
    /// The sequence of the last record known durable in the store (see `committedSequence`).
    private nonisolated let committed = Atomic<Int>(0)
    private var writeFailures = 0
    private var statistics = Statistics()
    private var timer: Task<Void, Never>?
    private var maintenance: Task<Void, Never>?

    /// Opens the SQLite store at `configuration.path` (see `open(configuration:store:logger:)`).
    public static func open(
        configuration: AuditConfiguration, logger: Logger = Logger(label: "portcullis.audit")
    ) async throws -> AuditTrail {
        let store: SQLiteAuditStore
        do { store = try SQLiteAuditStore(path: configuration.path) } catch {
            throw AuditUnavailable(reason: "cannot open audit database \(configuration.path): \(error)")
        }
        return try await open(configuration: configuration, store: store, logger: logger)
    }

    /// Opens the trail on `store`: loads the signing and content keys, rebuilds the chain head and
    /// Merkle frontier, and appends an `aborted` record for every begin that has no end.
    public static func open(
        configuration: AuditConfiguration, store: any AuditStore, logger: Logger = Logger(label: "portcullis.audit")
    ) async throws -> AuditTrail {
        let signer = try loadSigner(configuration, logger: logger)
        var keyring: SubjectKeyring?
        if configuration.content == .encrypted {
            guard let ref = configuration.contentKey else { throw AuditError.invalidContentKey("content: encrypted needs content_key") }
            keyring = SubjectKeyring(store: store, master: try SubjectKeyring.masterKey(try ref.resolve()))
        }
        try await recordPublicKey(signer.verifier.verifierKey, store: store, logger: logger)
        let latest = try await store.latestCheckpoint()
        var chain: ChainState
        if let shared = try await store.chainHead() {
            chain = shared
        } else {
            chain = try await ChainState.load(from: store, logger: logger)
            chain.checkpointSize = latest?.treeSize ?? 0
        }
        let trail = AuditTrail(
            configuration: configuration, store: store, logger: logger, signer: signer, keyring: keyring, chain: chain,
            latest: latest)
        try await trail.abortOpenBegins()
        await trail.checkpointIfDue()  // so GET /audit/checkpoint has an answer from the start
        await trail.startTimer()
        return trail
    }

    init(
        configuration: AuditConfiguration, store: any AuditStore, logger: Logger, signer: CheckpointSigner,
        keyring: SubjectKeyring?, chain: ChainState, latest: SignedCheckpoint?
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.signer = signer
        self.capture = ContentCapture(mode: configuration.content)
        self.keyring = keyring
        self.chain = chain
        self.latest = latest
        self.publicKeyText = signer.verifier.verifierKey + "\n"
        committed.store(chain.frontier.size, ordering: .releasing)
    }

    // MARK: The API the gateway calls

    /// Writes the begin record; returns when it is durable. Throws `AuditUnavailable` otherwise.
    public func begin(_ record: AuditRecord) async throws { try await append(record, phase: .begin) }

    /// Writes the end record of a request that has a begin.
    public func end(_ record: AuditRecord) async throws { try await append(record, phase: .end) }

    /// Writes the single record of a request that never reached a provider (refusals, cache hits).
    public func complete(_ record: AuditRecord) async throws { try await append(record, phase: .complete) }

    /// The most recent signed checkpoint (the text of `GET /audit/checkpoint`).
    public func latestCheckpoint() -> SignedCheckpoint? { latest }

    /// The checkpoint verifier key, `<name>+<key id>+<base64 key>` and a newline (`GET /audit/public-key`).
    public nonisolated let publicKeyText: String
    public nonisolated func publicKey() -> String { publicKeyText }

    /// Records that could not be written since start (for a metric in fail-open mode).
    public func failureCount() -> Int { writeFailures }

    /// Counters since start, for metrics and the benchmark.
    public struct Statistics: Sendable {
        public var records = 0
        public var commits = 0
        public var largestBatch = 0
        /// Records written by `retryInBackground` after a failed first write.
        public var recoveredWrites = 0
    }

    public func currentStatistics() -> Statistics { statistics }

    /// Whether the store takes writes now (readiness). After a failed write the next append reloads
    /// the chain head itself (only the flush does, so two reloads can never race).
    public func isHealthy() async -> Bool {
        guard !closed else { return false }
        do {
            try await store.ping()
            return true
        } catch {
            return false
        }
    }

    /// Runs `write` (an end record the caller does not wait for) off the caller's path. It is counted
    /// before this returns, and `close()` waits for it: a graceful shutdown never drops a record the
    /// gateway already started to write.
    public nonisolated func writeInBackground(_ write: @escaping @Sendable () async -> Void) {
        backgroundWrites.add(1, ordering: .sequentiallyConsistent)
        Task {
            await write()
            self.backgroundWrites.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Writes a record that must not be lost but need not hold up the answer — an end record, a refusal's record —
    /// after its first write failed (the store down or unreachable): retried in the background with back-off
    /// (0.25 s doubling to 5 s) until the store takes it, for at most `retryWindow`, or until the trail closes.
    /// Counted as a background write, so a graceful `close()` waits for it.
    public nonisolated func retryInBackground(_ record: AuditRecord, phase: AuditRecord.Phase, retryWindow: Duration = .seconds(600)) {
        writeInBackground {
            let deadline = ContinuousClock.now + retryWindow
            var pause = Duration.milliseconds(250)
            while ContinuousClock.now < deadline {
                try? await Task.sleep(for: pause)
                do {
                    try await self.append(record, phase: phase)
                    await self.noteRecovered(phase: phase)
                    return
                } catch {
                    guard await !self.isClosed else { break }
                    pause = min(pause * 2, .seconds(5))
                }
            }
            self.logger.critical("audit record lost: the store did not take it within the retry window", metadata: [
                "trail_id": "\(record.trailID)", "phase": "\(phase.rawValue)",
            ])
        }
    }

    private var isClosed: Bool { closed }

    private func noteRecovered(phase: AuditRecord.Phase) {
        statistics.recoveredWrites += 1
        logger.notice("audit record written after retry", metadata: ["phase": "\(phase.rawValue)"])
    }

    /// The sequence of the last record this trail has committed (or found at open): records up to it can be
    /// read from the store. One atomic load — the audit streams poll it to wake up when records arrive.
    public nonisolated var committedSequence: Int { committed.load(ordering: .acquiring) }

    /// Background writes not finished yet.
    public nonisolated var backgroundWritesInFlight: Int { backgroundWrites.load(ordering: .sequentiallyConsistent) }

    /// Waits for background writes (at most `timeout`), flushes pending records, signs a final checkpoint
    /// and closes the store. Appends keep working until the background writes are done.
    public func close(timeout: Duration = .seconds(30)) async {
        guard !closed, !closing else { return }
        closing = true
        let deadline = ContinuousClock.now + timeout
        while backgroundWritesInFlight > 0 {
            guard ContinuousClock.now < deadline else {
                logger.error("audit close: background records still unwritten", metadata: ["records": "\(backgroundWritesInFlight)"])
                break
            }
            try? await Task.sleep(for: .milliseconds(1))
        }
        closed = true
        timer?.cancel()
        maintenance?.cancel()
        while flushing || !pending.isEmpty { try? await Task.sleep(for: .milliseconds(1)) }
        await checkpointIfDue()
        do { try await store.close() } catch { logger.error("audit store close failed", metadata: ["error": "\(error)"]) }
    }

    // MARK: Appending with group commit

    func append(_ input: AuditRecord, phase: AuditRecord.Phase) async throws {
        guard !closed else { throw AuditUnavailable(reason: "audit trail is closed") }
        var record = input
        record.phase = phase
        if phase == .begin {
            do {
                try await appendNow(record)
            } catch {
                // A shared store may have committed the begin even though its answer never came (the database went
                // away mid-statement): the trail's closing record must then close it, not stand beside it.
                if store.sharedChain { uncertainBegins.insert(record.trailID) }
                throw error
            }
            return
        }
        guard phase == .complete, uncertainBegins.contains(record.trailID) else { return try await appendNow(record) }
        // Looked for when the store answers again (a failure here throws, and the record is retried).
        if try await store.records(trailID: record.trailID).contains(where: { $0.phase == AuditRecord.Phase.begin.rawValue }) { record.phase = .end }
        try await appendNow(record)
        uncertainBegins.remove(record.trailID)
    }

    private func appendNow(_ input: AuditRecord) async throws {
        var record = input
        let stored: [UInt8]?
        do {
            let key = try await keyring?.key(for: record.principal?.id ?? "-")
            let captured = try capture.capture(
                request: record.requestBody, response: record.responseBody, responseDigest: record.responseDigest,
                trailID: record.trailID, subjectKey: key)
            record.content = captured.summary
            stored = captured.stored
        } catch {
            writeFailures += 1
            logger.critical("audit content capture failed", metadata: ["trail_id": "\(record.trailID)", "error": "\(error)"])
            throw AuditUnavailable(reason: "content capture failed")
        }
        record.requestBody = nil
        record.responseBody = nil
        record.responseDigest = nil
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((record, stored, done))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            do {
                if needsResync { try await resync() }
                let items = batch.map { ($0.record, $0.stored) }
                let signer = self.signer, every = configuration.checkpointEveryRecords
                // Chained onto the store's head (for a shared store, the head it holds).
                let done = try await store.append(onto: chain) { head in
                    try head.chaining( items, signer: signer, checkpointEvery: every)
                }
                chain = done.head
                committed.store(done.head.frontier.size, ordering: .releasing)
                if let checkpoint = done.checkpoint { latest = checkpoint }
                statistics.records += batch.count
                statistics.commits += 1
                statistics.largestBatch = max(statistics.largestBatch, batch.count)
                for item in batch { item.done.resume() }
            } catch {
                needsResync = true
                writeFailures += batch.count
                logger.critical(
                    "audit records could not be written", metadata: ["records": "\(batch.count)", "error": "\(error)"])
                for item in batch { item.done.resume(throwing: AuditUnavailable(reason: "audit store write failed")) }
            }
        }
        flushing = false
    }

    /// After a failed write the outcome of the transaction is unknown: reload the head from the store.
    private func resync() async throws {
        latest = try await store.latestCheckpoint()
        if let shared = try await store.chainHead() {
            chain = shared
        } else {
            chain = try await ChainState.load(from: store, logger: logger)
            chain.checkpointSize = latest?.treeSize ?? 0
        }
        committed.store(chain.frontier.size, ordering: .releasing)
        needsResync = false
    }

    // MARK: Checkpoints, retention, recovery

    func checkpointIfDue() async {
        do {
            // A shared store's head holds what every replica wrote; the trail's own head is behind it.
            let head: ChainState
            if store.sharedChain {
                guard let shared = try await store.chainHead() else { return }
                head = shared
            } else {
                guard !needsResync else { return }
                head = chain
            }
            let size = head.frontier.size
            guard size > head.checkpointSize || size > (latest?.treeSize ?? -1) else { return }
            guard size > (latest?.treeSize ?? -1) else { return }
            let c = try signer.sign(treeSize: size, rootHash: head.frontier.root)
            // Unstructured so that cancelling the timer cannot cut a checkpoint write short.
            let store = self.store
            try await Task { try await store.saveCheckpoint(c) }.value
            if c.treeSize > (latest?.treeSize ?? -1) { latest = c }
            if !store.sharedChain { chain.checkpointSize = max(chain.checkpointSize, c.treeSize) }
        } catch {
            logger.error("audit checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    func applyRetention(now: Date = Date()) async {
        guard let days = configuration.retentionDays else { return }
        let cutoff = CanonicalEncoding.timeStyle.format(now.addingTimeInterval(-Double(days) * 86_400))
        do {
            let n = try await store.removeContent(before: cutoff)
            if n > 0 { logger.info("audit retention removed content", metadata: ["records": "\(n)", "before": "\(cutoff)"]) }
        } catch {
            logger.error("audit retention failed", metadata: ["error": "\(error)"])
        }
    }

    private func startTimer() {
        let seconds = configuration.checkpointEverySeconds
        timer = Task.detached { [weak self] in
            var sinceRetention = Double.infinity
            while !Task.isCancelled {
                if sinceRetention >= 3600 {
                    await self?.applyRetention()
                    sinceRetention = 0
                }
                try? await Task.sleep(for: .seconds(seconds))
                sinceRetention += seconds
                guard !Task.isCancelled else { return }
                await self?.checkpointIfDue()
            }
        }
        if store.sharedChain {
            // At least three renewals per lease, so one slow or failed renewal never lets a live lease lapse.
            let every = min(Self.sharedMaintenanceSeconds, store.replicaLeaseSeconds / 3)
            maintenance = Task.detached { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(every))
                    guard !Task.isCancelled else { return }
                    await self?.maintainSharedStore()
                }
            }
        }
    }

    /// How often (at most; a third of the lease when shorter) a replica on a shared store renews its lease and
    /// closes the trails of replicas that are gone.
    static let sharedMaintenanceSeconds = 5.0

    /// Shared store: keep this replica's lease, close the open trails of replicas whose lease lapsed, and take up
    /// checkpoints other replicas signed (`GET /audit/checkpoint` serves the cluster's latest).
    func maintainSharedStore() async {
        guard !closed else { return }
        do {
            try await store.renewReplicaLease()
            try await abortOpenBegins()
            if let c = try await store.latestCheckpoint(), c.treeSize > (latest?.treeSize ?? -1) { latest = c }
        } catch {
            logger.error("audit shared-store maintenance failed", metadata: ["error": "\(error)"])
        }
    }

    /// Closes the trails left open by a crash of this gateway — and, on a shared store, by replicas whose lease
    /// lapsed — with `aborted` records, in one transaction. Runs at start and, for a shared store, periodically.
    func abortOpenBegins() async throws {
        guard !closed else { return }
        let signer = self.signer, every = configuration.checkpointEveryRecords
        let result = try await store.closeOpenBegins(onto: chain) { head, open in
            let decoder = CanonicalEncoding.decoder()
            let aborted = try open.map { row -> (AuditRecord, [UInt8]?) in
                var r = try decoder.decode(AuditRecord.self, from: Data(row.canonical))
                r.content = nil
                r.phase = .aborted
                r.outcome = .aborted
                r.status = nil
                r.refusalReason = "gateway stopped before the request completed"
                return (r, nil)
            }
            return try head.chaining( aborted, signer: signer, checkpointEvery: every)
        }
        chain = result.head
        committed.store(result.head.frontier.size, ordering: .releasing)
        guard result.closed > 0 else { return }
        statistics.records += result.closed
        logger.warning("audit closed requests left open by a stopped gateway", metadata: ["aborted": "\(result.closed)"])
    }

}
