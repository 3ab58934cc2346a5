import Audit
import Foundation
import Logging
import Synchronization

/// Sends the committed records of an audit store to one collector, at least once, in sequence order.
///
/// The stream reads records after its cursor (`records(after:limit:)`: committed records only), turns each
/// into its OCSF event, and hands the batch to its transport. Only when the collector has accepted the whole
/// batch does the cursor move past it, and it is then written to the store's metadata
/// (`stream.<name>.cursor`). A crash resends at most the batch in flight; a collector outage loses nothing —
/// the store keeps the records and the stream catches up when the collector is back. One batch is in
/// memory at a time.
///
/// Replicas sharing a store send each stream from one of them: the stream claims the lease
/// `stream.<name>` before sending (renewing it every `leaseSeconds / 3` at most) and idles while another
/// holder has it. On taking the lease it rereads the cursor from the store.
public final class AuditStream: Sendable {
    public let configuration: AuditStreamConfiguration
    public let health: StreamHealth
    let store: any AuditStore
    let transport: any StreamTransport
    let holder: String
    let logger: Logger
    let committedSequence: @Sendable () -> Int
    let timing: Timing
    private let draining = Atomic<Bool>(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// How often things happen (tests shorten them).
    public struct Timing: Sendable {
        /// How long a claimed lease lasts.
        public var leaseSeconds: Double = 30
        /// While idle: how often the trail's head is looked at...
        public var pollInterval: Duration = .milliseconds(100)
        /// ...and how often the store is read anyway (records written by another replica).
        public var idleReadInterval: Duration = .seconds(1)
        /// How often a replica without the lease tries to take it.
        public var standbyInterval: Duration = .seconds(5)
        /// The first wait after a failure (doubling up to `retry_max_seconds`).
        public var firstRetry: Duration = .milliseconds(500)
        public init() {}
    }

    public var cursorKey: String { "stream.\(configuration.name).cursor" }
    public var leaseName: String { "stream.\(configuration.name)" }

    /// - Parameters:
    ///   - holder: this process's lease holder id (random per process).
    ///   - committedSequence: the trail's committed head (`AuditTrail.committedSequence`), polled to wake up.
    public init(
        configuration: AuditStreamConfiguration, store: any AuditStore, transport: any StreamTransport, holder: String,
        committedSequence: @escaping @Sendable () -> Int, timing: Timing = Timing(),
        logger: Logger = Logger(label: "portcullis.audit.stream")
    ) {
        self.configuration = configuration
        self.store = store
        self.transport = transport
        self.holder = holder
        self.committedSequence = committedSequence
        self.timing = timing
        var logger = logger
        logger[metadataKey: "stream"] = .string(configuration.name)
        self.logger = logger
        health = StreamHealth(
            name: configuration.name, maxBacklogRecords: configuration.maxBacklogRecords,
            stalledAfter: .milliseconds(Int64(configuration.stalledAfterSeconds * 1000)), committedSequence: committedSequence)
    }

    public func start() {
        task.withLock { current in
            guard current == nil else { return }
            current = Task { await self.run() }
        }
    }

    /// Sends what is still unsent (one last attempt, no retries) for at most `drain`, then stops and closes
    /// the transport. What is left stays in the store and goes out after the next start.
    public func stop(drain: Duration = .seconds(5)) async {
        draining.store(true, ordering: .sequentiallyConsistent)
        guard let running = task.withLock({ $0 }) else {
            await transport.close()
            return
        }
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await running.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: drain)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished {
            logger.warning("audit stream stopped before its backlog was sent; it resumes from its cursor at the next start")
            running.cancel()
        }
        await transport.close()
        await running.value
    }

    var isDraining: Bool { draining.load(ordering: .sequentiallyConsistent) }

    // MARK: The loop

    func run() async {
        var translation = OCSFTranslation()
        var cursor: Int?  // nil until read from the store under the lease
        var lastClaim: ContinuousClock.Instant?
        var standingBy = false
        var retry = timing.firstRetry
        let maxRetry = Duration.milliseconds(Int64(configuration.retryMaxSeconds * 1000))
        while !Task.isCancelled {
            do {
                guard try await holdLease(&lastClaim) else {
                    if cursor != nil || !standingBy {
                        logger.info("audit stream lease held by another process; standing by", metadata: ["lease": "\(leaseName)"])
                    }
                    standingBy = true
                    cursor = nil
                    health.leased(false, cursor: try await storedCursor())
                    if isDraining { return }
                    await pause(timing.standbyInterval)
                    continue
                }
                if cursor == nil {
                    let stored = try await storedCursor()
                    cursor = stored
                    translation = OCSFTranslation()
                    health.leased(true, cursor: stored)
                    standingBy = false
                    logger.info("audit stream sending", metadata: ["cursor": "\(stored)"])
                }
                let after = cursor ?? 0
                let rows = try await store.records(after: after, limit: configuration.batchRecords)
                guard let last = rows.last else {
                    if isDraining { return }
                    await waitForRecords(after: after)
                    continue
                }
                health.saw(head: last.sequence)
                var batch: [StreamedRecord] = []
                batch.reserveCapacity(rows.count)
                for row in rows {
                    let event = try await translation.event(row) { [store] in try await store.begin(ofTrail: $0) }
                    batch.append(StreamedRecord(
                        sequence: row.sequence, phase: row.phase, time: row.time, outcome: row.outcome,
                        line: try OCSFTranslation.line(event)))
                }
                try await transport.deliver(batch)
                cursor = last.sequence
                health.delivered(batch.count, through: last.sequence)
                if retry > timing.firstRetry { logger.notice("audit stream delivering again", metadata: ["cursor": "\(last.sequence)"]) }
                retry = timing.firstRetry
                // The durable cursor: should this write fail, the next batch's write carries it (a crash in
                // between resends this batch — at least once).
                do { try await store.setMetadata(cursorKey, String(last.sequence)) } catch {
                    logger.error("audit stream cursor not saved", metadata: ["error": "\(error)"])
                }
            } catch {
                if health.failed() {
                    logger.warning("audit stream delivery failing; records wait in the store", metadata: ["error": "\(error)"])
                } else {
                    logger.debug("audit stream delivery failed again", metadata: ["error": "\(error)"])
                }
                if isDraining { return }
                await pause(retry)
                retry = min(retry * 2, maxRetry)
            }
        }
    }

    /// The cursor as stored (0: nothing sent yet).
    func storedCursor() async throws -> Int {
        guard let text = try await store.metadata(cursorKey) else { return 0 }
        guard let value = Int(text), value >= 0 else { throw StreamDeliveryError("stored cursor \(cursorKey) is not a sequence number") }
        return value
    }

    /// Claims or renews the lease when a third of it has passed since the last claim.
    func holdLease(_ lastClaim: inout ContinuousClock.Instant?) async throws -> Bool {
        let now = ContinuousClock.now
        if let last = lastClaim, now - last < .milliseconds(Int64(timing.leaseSeconds * 1000 / 3)) { return true }
        guard try await store.claimLease(leaseName, holder: holder, seconds: timing.leaseSeconds) else {
            lastClaim = nil
            return false
        }
        lastClaim = now
        return true
    }

    /// Returns when the trail has committed past `cursor`, when it is time to read the store anyway, or
    /// when the stream is stopping.
    func waitForRecords(after cursor: Int) async {
        let deadline = ContinuousClock.now + timing.idleReadInterval
        while ContinuousClock.now < deadline, !Task.isCancelled, !isDraining {
            if committedSequence() > cursor { return }
            try? await Task.sleep(for: timing.pollInterval)
        }
    }

    /// Sleeps `duration`, waking early when the stream is stopping (for its last attempt).
    func pause(_ duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline, !Task.isCancelled, !isDraining {
            try? await Task.sleep(for: min(timing.pollInterval, deadline - ContinuousClock.now))
        }
    }
}
