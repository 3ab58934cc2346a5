import Database
import PostgresNIO
import Support

/// Budget accounts shared by the replicas, in PostgreSQL. A reservation across several accounts is one
/// transaction that locks every account of the admission (in key order, so two admissions can never deadlock),
/// checks each against its limit and reserves in all or none — so concurrent admissions on any number of
/// replicas can never together reserve more than a budget holds. The common case, one account, goes in batches
/// per replica (`KeyedBatches`): the reservations, settlements and releases of an account that arrive while one
/// batch for it is in flight go together in the next, applied in arrival order with the in-memory store's
/// arithmetic (`Account.cannotTake`/`settle`: each reservation checked on its own against the account as the
/// ones before it left it), written by a compare-and-swap on the row's two amounts — or, when another replica
/// changed the row between, redone under the row's lock. A hot account thus costs two statements per batch, and
/// is never over its limit whatever the concurrency.
public final class PostgresBudgetStore: BudgetStore {
    /// One account's row: its digest and the period it counts.
    struct Row: Hashable, Sendable {
        var id: [UInt8]
        var period: String
        var index: Int64

        init(_ key: LedgerKey) {
            id = SharedKeys.ledger(key)
            period = key.period.rawValue
            index = key.index
        }
    }

    /// One operation on one account, queued for its batch; the outcome says whether a reservation fit.
    enum Change: Sendable {
        case reserve(Int64, limit: Int64)
        case settle(reserved: Int64, actual: Int64)
        case release(Int64)
    }

    let database: SharedDatabase
    private let batches: KeyedBatches<Row, Change, Bool, Account>

    public init(database: SharedDatabase) async throws {
        self.database = database
        batches = KeyedBatches { row, changes, memo in try await Self.run(changes, on: row, memo: &memo, database) }
        try await database.migrate(component: "limits", Self.schema)
    }

    /// Both limits tables: the rate-limit store migrates the same component.
    static let schema: [SchemaStep] = [
        SchemaStep(version: 1, [
            "CREATE TABLE limits_buckets (key bytea PRIMARY KEY, request_tat bigint NOT NULL, token_tat bigint NOT NULL, idle_at bigint NOT NULL)",
            "CREATE INDEX limits_buckets_idle ON limits_buckets (idle_at)",
            """
            CREATE TABLE limits_accounts (
              key bytea PRIMARY KEY, period text NOT NULL, period_index bigint NOT NULL,
              spent bigint NOT NULL DEFAULT 0, reserved bigint NOT NULL DEFAULT 0)
            """,
        ]),
    ]

    public var isRemote: Bool { true }

    public func reserve(_ targets: [BudgetTarget], amount: Int64) async throws -> BudgetTarget? {
        guard !targets.isEmpty else { return nil }
        if targets.count == 1 { return try await reserveOne(targets[0], amount: amount) }
        let keyed = targets.map { (key: SharedKeys.ledger($0.key), target: $0) }
        return try await database.transaction(what: "budget reserve") { db in
            let accounts = try await Self.lock(keyed.map { ($0.key, $0.target.key.period.rawValue, $0.target.key.index) }, db)
            for (key, t) in keyed {
                let a = accounts[key] ?? Account()
                if a.spent.addingSaturating(a.reserved).addingSaturating(amount) > t.limit { return t }
            }
            try await db.query("""
                UPDATE limits_accounts SET reserved = reserved + \(amount) WHERE key = ANY(\(keyed.map { SharedDatabase.bytea($0.key) })::bytea[])
                """, logger: SharedDatabase.quiet)
            return nil
        }
    }

    private func reserveOne(_ t: BudgetTarget, amount: Int64) async throws -> BudgetTarget? {
        guard amount <= t.limit else { return t }
        return try await batches.submit(Row(t.key), .reserve(amount, limit: t.limit)) ? nil : t
    }

    /// The accounts exist (their reservation is outstanding, so nothing forgets them); several are changed by
    /// one statement, which locks their rows in index (key) order.
    public func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64) async throws {
        guard !targets.isEmpty else { return }
        if targets.count == 1 {
            _ = try await batches.submit(Row(targets[0].key), .settle(reserved: reserved, actual: actual))
            return
        }
        // Saturating like the in-memory store: a reported cost never wraps around into credit.
        try await database.query("""
            UPDATE limits_accounts SET reserved = reserved - \(reserved),
              spent = LEAST(spent::numeric + \(actual), 9223372036854775807)::bigint
            WHERE key = ANY(\(targets.map { SharedDatabase.bytea(SharedKeys.ledger($0.key)) })::bytea[])
            """, what: "budget settle")
    }

    public func release(_ targets: [BudgetTarget], reserved: Int64) async throws {
        guard !targets.isEmpty else { return }
        if targets.count == 1 {
            _ = try await batches.submit(Row(targets[0].key), .release(reserved))
            return
        }
        try await database.query("""
            UPDATE limits_accounts SET reserved = reserved - \(reserved) WHERE key = ANY(\(targets.map { SharedDatabase.bytea(SharedKeys.ledger($0.key)) })::bytea[])
            """, what: "budget release")
    }

    /// Applies the changes in order; a reservation that does not fit changes nothing.
    static func apply(_ changes: [Change], to account: inout Account) -> [Bool] {
        changes.map { change in
            switch change {
            case let .reserve(amount, limit):
                if account.cannotTake(amount, within: limit) { return false }
                account.reserved += amount
            case let .settle(reserved, actual):
                account.settle(reserved: reserved, actual: actual)
            case let .release(reserved):
                account.reserved -= reserved
            }
            return true
        }
    }

    /// One batch on one account: read, apply, compare-and-swap; under the row's lock when that missed. While
    /// the account stays busy the row as this replica last wrote it (`memo`) is taken as what it holds, so a
    /// batch is one statement; when another replica wrote between, the swap misses and the batch reads. A batch
    /// that changes nothing (every reservation refused) is only answered from a row just read.
    private static func run(_ changes: [Change], on row: Row, memo: inout Account?, _ database: SharedDatabase) async throws -> [Bool] {
        let id = SharedDatabase.bytea(row.id)
        if let held = memo {
            var account = held
            let outcomes = apply(changes, to: &account)
            if account != held, try await swap(id, held: held, to: account, database) {
                memo = account
                return outcomes
            }
        }
        let rows = try await database.execute(LimitsStatements.ReadAccount(id: id), what: "budget read")
        let held = rows.first.map { Account(spent: $0.0, reserved: $0.1) }
        var account = held ?? Account()
        let outcomes = apply(changes, to: &account)
        if account == (held ?? Account()) {
            memo = held
            return outcomes
        }
        let written: Bool
        if let held {
            written = try await swap(id, held: held, to: account, database)
        } else {
            written = try await !database.query("""
                INSERT INTO limits_accounts (key, period, period_index, spent, reserved)
                VALUES (\(id), \(row.period), \(row.index), \(account.spent), \(account.reserved))
                ON CONFLICT (key) DO NOTHING RETURNING 1
                """, what: "budget write").isEmpty
        }
        if written {
            memo = account
            return outcomes
        }
        let locked = try await database.transaction(what: "budget batch") { db in
            var account = try await Self.lock([(row.id, row.period, row.index)], db)[row.id] ?? Account()
            let outcomes = apply(changes, to: &account)
            try await db.query("""
                UPDATE limits_accounts SET spent = \(account.spent), reserved = \(account.reserved) WHERE key = \(id)
                """, logger: SharedDatabase.quiet)
            return (outcomes: outcomes, account: account)
        }
        memo = locked.account
        return locked.outcomes
    }

    /// Writes `account` if the row still holds `held`.
    private static func swap(_ id: ByteBuffer, held: Account, to account: Account, _ database: SharedDatabase) async throws -> Bool {
        try await !database.execute(LimitsStatements.SwapAccount(id: id, account: account, held: held), what: "budget write").isEmpty
    }

    public func account(_ key: LedgerKey) async throws -> Account {
        let rows = try await database.execute(LimitsStatements.ReadAccount(id: SharedDatabase.bytea(SharedKeys.ledger(key))), what: "budget read")
        return rows.first.map { Account(spent: $0.0, reserved: $0.1) } ?? Account()
    }

    public func forgetEnded(currentDay: Int64, currentMonth: Int64) async throws {
        try await database.query("""
            DELETE FROM limits_accounts WHERE reserved = 0
              AND ((period = 'day' AND period_index < \(currentDay)) OR (period = 'month' AND period_index < \(currentMonth)))
            """, what: "budget cleanup")
    }

    /// Creates missing accounts, then locks all of them in key order; returns them by key.
    static func lock(_ keys: [(id: [UInt8], period: String, index: Int64)], _ db: PostgresConnection) async throws -> [[UInt8]: Account] {
        let sorted = keys.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        try await db.query("""
            INSERT INTO limits_accounts (key, period, period_index)
            SELECT * FROM unnest(\(sorted.map { SharedDatabase.bytea($0.0) })::bytea[], \(sorted.map { $0.period })::text[], \(sorted.map { $0.index })::bigint[])
            ON CONFLICT (key) DO NOTHING
            """, logger: SharedDatabase.quiet)
        let rows = try await db.query("""
            SELECT key, spent, reserved FROM limits_accounts WHERE key = ANY(\(sorted.map { SharedDatabase.bytea($0.0) })::bytea[]) ORDER BY key FOR UPDATE
            """, logger: SharedDatabase.quiet).collect()
        var accounts: [[UInt8]: Account] = [:]
        for row in rows {
            let (key, spent, reserved) = try row.decode((ByteBuffer, Int64, Int64).self)
            accounts[SharedDatabase.bytes(key)] = Account(spent: spent, reserved: reserved)
        }
        return accounts
    }
}
