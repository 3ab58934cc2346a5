import Database
import PostgresNIO
import Support
import Synchronization

/// Rate-limit buckets shared by the replicas, in PostgreSQL — exact. Charges and adjustments of one bucket are
/// run in batches per replica (`KeyedBatches`: one batch per bucket in flight, the operations that arrive
/// meanwhile go together in the next one). A batch reads the bucket's two arrival times, applies each operation
/// in arrival order with the same GCRA arithmetic as the in-memory store (`BucketState.charge`/`adjust`; a
/// refused charge changes nothing) and writes the result only if the row still holds what was read
/// (compare-and-swap: two statements, no transaction). When that misses — another replica charged the same
/// bucket between — the batch is redone in a transaction that locks the row (`INSERT … ON CONFLICT DO UPDATE …
/// RETURNING` takes the lock and reads), and for the next second batches go that way directly (a hot bucket).
/// Either way every charge from any number of replicas is applied to the latest state of the row, one after the
/// other, so the limit is never exceeded by concurrency (overshoot bound: 0); a hot bucket costs two statements
/// per batch, not per request. Each replica's clock is its own `now`: keep replicas' clocks synchronised (NTP);
/// a skew of δ lets a bucket admit at most δ/interval units early.
/// A bucket full again is identical to an absent one: rows idle past their arrival times are deleted in the
/// background about once a minute.
public final class PostgresRateLimitStore: RateLimitStore {
    /// One operation on a bucket, queued for its batch.
    enum Change: Sendable {
        case charge(BucketLimits, countRequest: Bool, tokens: Int, now: Int64)
        case adjust(BucketLimits, requests: Int, tokens: Int, now: Int64)

        var now: Int64 {
            switch self {
            case .charge(_, _, _, let now), .adjust(_, _, _, let now): now
            }
        }
    }

    let database: SharedDatabase
    private let nextPurge = Atomic<Int64>(0)
    private let batches: KeyedBatches<[UInt8], Change, ChargeOutcome?, BucketState>

    public init(database: SharedDatabase) async throws {
        self.database = database
        let lockUntil = LockingWindow()
        batches = KeyedBatches { key, changes, memo in try await Self.run(changes, on: key, memo: &memo, database, lockUntil: lockUntil) }
        try await database.migrate(component: "limits", PostgresBudgetStore.schema)
    }

    public func charge(_ key: BucketKey, _ limits: BucketLimits, countRequest: Bool, tokens: Int, now: Int64) async throws -> ChargeOutcome {
        purgeIfDue(now: now)
        let outcome = try await batches.submit(SharedKeys.bucket(key), .charge(limits, countRequest: countRequest, tokens: tokens, now: now))
        guard let outcome else { throw DatabaseUnavailable(reason: "rate limit charge lost its outcome") }
        return outcome
    }

    public func adjust(_ key: BucketKey, _ limits: BucketLimits, requests: Int, tokens: Int, now: Int64) async throws {
        guard requests != 0 || tokens != 0 else { return }
        _ = try await batches.submit(SharedKeys.bucket(key), .adjust(limits, requests: requests, tokens: tokens, now: now))
    }

    public func peek(_ key: BucketKey, _ limits: BucketLimits, now: Int64) async throws -> BucketReading {
        let rows = try await database.execute(LimitsStatements.ReadBucket(id: SharedDatabase.bytea(SharedKeys.bucket(key))), what: "rate limit read")
        var state = BucketState(requestTAT: now, tokenTAT: now)
        if let (r, t) = rows.first { state = BucketState(requestTAT: r, tokenTAT: t) }
        return BucketState.read(state, limits, now)
    }

    public var isRemote: Bool { true }

    /// Not counted locally: the buckets live in the database.
    public var count: Int { 0 }
    public var evictedActive: Int { 0 }

    /// Applies the changes in order; a refused charge leaves the state as it was (it consumes nothing).
    static func apply(_ changes: [Change], to state: inout BucketState) -> [ChargeOutcome?] {
        changes.map { change -> ChargeOutcome? in
            switch change {
            case let .charge(limits, countRequest, tokens, now):
                var next = state
                let outcome = BucketState.charge(&next, limits, countRequest, tokens, now)
                if case .admitted = outcome { state = next }
                return outcome
            case let .adjust(limits, requests, tokens, now):
                BucketState.adjust(&state, limits, requests, tokens, now)
                return nil
            }
        }
    }

    /// One batch: optimistically (read, apply, compare-and-swap) unless that missed within the last second,
    /// else under the row's lock. While the bucket stays busy the row as this replica last wrote it (`memo`) is
    /// taken as what it holds, so a batch is one statement; when another replica wrote between, the swap misses
    /// and the batch reads. Nothing is written when nothing changed (every charge refused).
    private static func run(
        _ changes: [Change], on key: [UInt8], memo: inout BucketState?, _ database: SharedDatabase, lockUntil: LockingWindow
    ) async throws -> [ChargeOutcome?] {
        let id = SharedDatabase.bytea(key)
        let now = changes.map(\.now).min() ?? 0
        let started = ContinuousClock.now
        if started >= lockUntil.until.withLock({ $0 }) {
            if let held = memo, let outcomes = try await swap(changes, id, held: held, read: false, memo: &memo, database) { return outcomes }
            let rows = try await database.execute(LimitsStatements.ReadBucket(id: id), what: "rate limit read")
            if let (r, t) = rows.first {
                if let outcomes = try await swap(changes, id, held: BucketState(requestTAT: r, tokenTAT: t, lastUsed: now), read: true, memo: &memo, database) {
                    return outcomes
                }
            } else {
                var state = BucketState(requestTAT: now, tokenTAT: now, lastUsed: now)
                let outcomes = apply(changes, to: &state)
                if (state.requestTAT, state.tokenTAT) == (now, now) { return outcomes }
                let written = try await database.query("""
                    INSERT INTO limits_buckets (key, request_tat, token_tat, idle_at) VALUES (\(id), \(state.requestTAT), \(state.tokenTAT), \(state.idleAt))
                    ON CONFLICT (key) DO NOTHING RETURNING 1
                    """, what: "rate limit write")
                if !written.isEmpty {
                    memo = state
                    return outcomes
                }
            }
            lockUntil.until.withLock { $0 = started + .seconds(1) }
        }
        let (outcomes, state) = try await database.transaction(what: "rate limit charge") { db in
            var state = try await Self.lock(id, now: now, db)
            let outcomes = apply(changes, to: &state)
            try await Self.write(id, state, db)
            return (outcomes, state)
        }
        memo = state
        return outcomes
    }

    /// Applies the changes to `held` and writes the result if the row still holds `held`; nil when it did not.
    /// A batch that changes nothing (all refused) is only answered from a row just `read`: a remembered one may
    /// be stale, and the refusals must be the row's.
    private static func swap(
        _ changes: [Change], _ id: ByteBuffer, held: BucketState, read: Bool, memo: inout BucketState?, _ database: SharedDatabase
    ) async throws -> [ChargeOutcome?]? {
        var state = held
        let outcomes = apply(changes, to: &state)
        if (state.requestTAT, state.tokenTAT) == (held.requestTAT, held.tokenTAT) {
            guard read else { return nil }
            memo = held
            return outcomes
        }
        let written = try await database.execute(LimitsStatements.SwapBucket(id: id, state: state, held: held), what: "rate limit write")
        guard !written.isEmpty else { return nil }
        memo = state
        return outcomes
    }

    static func lock(_ id: ByteBuffer, now: Int64, _ db: PostgresConnection) async throws -> BucketState {
        let rows = try await db.query("""
            INSERT INTO limits_buckets (key, request_tat, token_tat, idle_at) VALUES (\(id), \(now), \(now), \(now))
            ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
            RETURNING request_tat, token_tat
            """, logger: SharedDatabase.quiet).collect()
        guard let row = rows.first else { throw DatabaseUnavailable(reason: "rate limit bucket row missing") }
        let (r, t) = try row.decode((Int64, Int64).self)
        return BucketState(requestTAT: r, tokenTAT: t, lastUsed: now)
    }

    static func write(_ id: ByteBuffer, _ state: BucketState, _ db: PostgresConnection) async throws {
        try await db.query("""
            UPDATE limits_buckets SET request_tat = \(state.requestTAT), token_tat = \(state.tokenTAT), idle_at = \(state.idleAt) WHERE key = \(id)
            """, logger: SharedDatabase.quiet)
    }

    /// Until when batches skip the compare-and-swap (it missed recently).
    final class LockingWindow: Sendable {
        let until = Mutex(ContinuousClock.now)
    }

    private func purgeIfDue(now: Int64) {
        let due = nextPurge.load(ordering: .relaxed)
        guard now >= due, nextPurge.compareExchange(expected: due, desired: now + 60_000_000_000, ordering: .relaxed).exchanged else { return }
        let database = self.database
        Task { try? await database.query("DELETE FROM limits_buckets WHERE idle_at < \(now)", what: "rate limit purge") }
    }
}
