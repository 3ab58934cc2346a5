import Foundation
import Synchronization

/// What one stream has done, read by the metrics and `/readyz` while the stream runs.
public final class StreamHealth: Sendable {
    /// A moment's view of the stream.
    public struct Snapshot: Sendable, Equatable {
        public var name: String
        /// Records the collector accepted since start (a record sent again counts again).
        public var sent: Int
        /// Failed deliveries since start (connection, TLS, non-2xx answer, store errors).
        public var failures: Int
        /// Committed records the collector has not accepted yet: the trail's head minus the cursor.
        public var backlog: Int
        /// The sequence of the last record the collector accepted (the stream's cursor).
        public var cursor: Int
        /// Seconds since 1970 of the last accepted batch; nil before the first.
        public var lastSuccess: Double?
        /// Whether this process holds the stream's lease (sends it); another replica does otherwise.
        public var holdsLease: Bool
        /// How long deliveries have been failing without a success in between; nil when the last one succeeded.
        public var failingFor: Duration?
    }

    struct State {
        var cursor = 0
        var head = 0
        var sent = 0
        var failures = 0
        var lastSuccess: Double?
        var holdsLease = false
        var failingSince: ContinuousClock.Instant?
    }

    let name: String
    let maxBacklogRecords: Int
    let stalledAfter: Duration
    /// The trail's committed head (cheap: one atomic load).
    let committedSequence: @Sendable () -> Int
    private let state = Mutex(State())

    init(name: String, maxBacklogRecords: Int, stalledAfter: Duration, committedSequence: @escaping @Sendable () -> Int) {
        self.name = name
        self.maxBacklogRecords = maxBacklogRecords
        self.stalledAfter = stalledAfter
        self.committedSequence = committedSequence
    }

    public func snapshot(now: ContinuousClock.Instant = .now) -> Snapshot {
        let head = committedSequence()
        return state.withLock { s in
            Snapshot(
                name: name, sent: s.sent, failures: s.failures, backlog: max(0, max(head, s.head) - s.cursor), cursor: s.cursor,
                lastSuccess: s.lastSuccess, holdsLease: s.holdsLease, failingFor: s.failingSince.map { now - $0 })
        }
    }

    /// The `/readyz` check: failing when the backlog is above `max_backlog_records`, or when records have been
    /// waiting while every delivery failed for longer than `stalled_after_seconds`. A replica that does not
    /// hold the lease is not behind: another one sends.
    public func isReady(now: ContinuousClock.Instant = .now) -> Bool {
        let s = snapshot(now: now)
        guard s.holdsLease else { return true }
        if s.backlog > maxBacklogRecords { return false }
        if let failing = s.failingFor, failing > stalledAfter, s.backlog > 0 { return false }
        return true
    }

    func leased(_ holds: Bool, cursor: Int? = nil) {
        state.withLock { s in
            s.holdsLease = holds
            if let cursor { s.cursor = cursor }
            if !holds { s.failingSince = nil }
        }
    }

    func saw(head: Int) {
        state.withLock { $0.head = max($0.head, head) }
    }

    func delivered(_ count: Int, through cursor: Int, at time: Date = Date()) {
        state.withLock { s in
            s.sent += count
            s.cursor = cursor
            s.lastSuccess = time.timeIntervalSince1970
            s.failingSince = nil
        }
    }

    /// Returns whether this failure starts a run of failures (the one worth a warning).
    @discardableResult
    func failed(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { s in
            s.failures += 1
            if s.failingSince == nil {
                s.failingSince = now
                return true
            }
            return false
        }
    }
}
