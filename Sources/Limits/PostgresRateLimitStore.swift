import Database
import PostgresNIO
import Synchronization

/// Rate-limit buckets shared by the replicas, in PostgreSQL — exact. A charge reads the bucket's two arrival
/// times, applies the same GCRA arithmetic as the in-memory store (`BucketState.charge`) and writes the result
/// only if the row still holds what was read (compare-and-swap: two statements, no transaction). When that
/// misses — another charge of the same bucket came between — the charge is redone in a transaction that locks
/// the row (`INSERT … ON CONFLICT DO UPDATE … RETURNING` takes the lock and reads), and for the next second
/// charges go that way directly (a hot bucket). Either way concurrent charges from any number of replicas
/// serialise on the row, so the limit is never exceeded by concurrency (overshoot bound: 0). A refusal writes
/// nothing. Each replica's clock is its own `now`: keep replicas'
/// clocks synchronised (NTP); a skew of δ lets a bucket admit at most δ/interval units early.
/// A bucket full again is identical to an absent one: rows idle past their arrival times are deleted in the
/// background about once a minute.
public final class PostgresRateLimitStore: RateLimitStore {
    let database: SharedDatabase
    private let nextPurge = Atomic<Int64>(0)
    /// Until when charges skip the compare-and-swap (it missed recently).
    private let lockUntil = Mutex(ContinuousClock.now)

    public init(database: SharedDatabase) async throws {
        self.database = database
        try await database.migrate(component: "limits", PostgresBudgetStore.schema)
    }

    public func charge(_ key: BucketKey, _ limits: BucketLimits, countRequest: Bool, tokens: Int, now: Int64) async throws -> ChargeOutcome {
        purgeIfDue(now: now)
        let id = SharedDatabase.bytea(SharedKeys.bucket(key))
        if let outcome = try await optimistically(id, now: now, { state in BucketState.charge(&state, limits, countRequest, tokens, now) }) {
            return outcome
        }
        return try await database.transaction(what: "rate limit charge") { db in
            var state = try await Self.lock(id, now: now, db)
            let outcome = BucketState.charge(&state, limits, countRequest, tokens, now)
            try await Self.write(id, state, db)
            return outcome
        }
    }

    public func adjust(_ key: BucketKey, _ limits: BucketLimits, requests: Int, tokens: Int, now: Int64) async throws {
        guard requests != 0 || tokens != 0 else { return }
        let id = SharedDatabase.bytea(SharedKeys.bucket(key))
        let done: Bool? = try await optimistically(id, now: now) { state in
            BucketState.adjust(&state, limits, requests, tokens, now)
            return true
        }
        if done != nil { return }
        try await database.transaction(what: "rate limit adjust") { db in
            var state = try await Self.lock(id, now: now, db)
            BucketState.adjust(&state, limits, requests, tokens, now)
            try await Self.write(id, state, db)
        }
    }

    public func peek(_ key: BucketKey, _ limits: BucketLimits, now: Int64) async throws -> BucketReading {
        let rows = try await database.query(
            "SELECT request_tat, token_tat FROM limits_buckets WHERE key = \(SharedDatabase.bytea(SharedKeys.bucket(key)))", what: "rate limit read")
        var state = BucketState(requestTAT: now, tokenTAT: now)
        if let row = rows.first {
            let (r, t) = try row.decode((Int64, Int64).self)
            state = BucketState(requestTAT: r, tokenTAT: t)
        }
        return BucketState.read(state, limits, now)
    }

    /// Not counted locally: the buckets live in the database.
    public var count: Int { 0 }
    public var evictedActive: Int { 0 }

    /// Reads the bucket, applies `change`, and writes the new arrival times if the row still holds what was read;
    /// nil when the compare-and-swap missed (or is skipped for now), and the caller takes the locking path. A
    /// refused charge (`ChargeOutcome.refused`) consumes nothing: nothing is written.
    private func optimistically<T: Sendable>(_ id: ByteBuffer, now: Int64, _ change: (inout BucketState) -> T) async throws -> T? {
        let started = ContinuousClock.now
        guard started >= lockUntil.withLock({ $0 }) else { return nil }
        let rows = try await database.query("SELECT request_tat, token_tat FROM limits_buckets WHERE key = \(id)", what: "rate limit read")
        var state = BucketState(requestTAT: now, tokenTAT: now, lastUsed: now)
        var held: (Int64, Int64)?
        if let row = rows.first {
            let (r, t) = try row.decode((Int64, Int64).self)
            state = BucketState(requestTAT: r, tokenTAT: t, lastUsed: now)
            held = (r, t)
        }
        let result = change(&state)
        if let outcome = result as? ChargeOutcome, case .refused = outcome { return result }
        let written: [PostgresRow]
        if let (r, t) = held {
            written = try await database.query("""
                UPDATE limits_buckets SET request_tat = \(state.requestTAT), token_tat = \(state.tokenTAT), idle_at = \(state.idleAt)
                WHERE key = \(id) AND request_tat = \(r) AND token_tat = \(t) RETURNING 1
                """, what: "rate limit write")
        } else {
            written = try await database.query("""
                INSERT INTO limits_buckets (key, request_tat, token_tat, idle_at) VALUES (\(id), \(state.requestTAT), \(state.tokenTAT), \(state.idleAt))
                ON CONFLICT (key) DO NOTHING RETURNING 1
                """, what: "rate limit write")
        }
        guard written.isEmpty else { return result }
        lockUntil.withLock { $0 = started + .seconds(1) }
        return nil
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

    private func purgeIfDue(now: Int64) {
        let due = nextPurge.load(ordering: .relaxed)
        guard now >= due, nextPurge.compareExchange(expected: due, desired: now + 60_000_000_000, ordering: .relaxed).exchanged else { return }
        let database = self.database
        Task { try? await database.query("DELETE FROM limits_buckets WHERE idle_at < \(now)", what: "rate limit purge") }
    }
}
