import Database
import PostgresNIO

/// Budget accounts shared by the replicas, in PostgreSQL. A reservation is one transaction that locks every
/// account of the admission (in key order, so two admissions can never deadlock), checks each against its
/// limit and reserves in all or none — so concurrent admissions on any number of replicas can never together
/// reserve more than a budget holds. The common case, one account, is one statement: an upsert whose update
/// only happens when the reservation fits (the row lock and PostgreSQL's re-check of the condition on the
/// latest row version make it exact). Settling and releasing are one statement each.
public final class PostgresBudgetStore: BudgetStore {
    let database: SharedDatabase

    public init(database: SharedDatabase) async throws {
        self.database = database
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

    public func reserve(_ targets: [BudgetTarget], amount: Int64) async throws -> BudgetTarget? {
        guard !targets.isEmpty else { return nil }
        if targets.count == 1 { return try await reserveOne(targets[0], amount: amount) }
        let keyed = targets.map { (key: SharedKeys.ledger($0.key), target: $0) }
        return try await database.transaction(what: "budget reserve") { db in
            let accounts = try await Self.lock(keyed.map { ($0.key, $0.target.key) }, db)
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

    /// One account: reserved only if spent + reserved + amount stays within the limit (compared as numeric, so
    /// a huge worst case is refused, never an overflow error); a new account is created holding the reservation.
    private func reserveOne(_ t: BudgetTarget, amount: Int64) async throws -> BudgetTarget? {
        guard amount <= t.limit else { return t }
        let rows = try await database.query("""
            INSERT INTO limits_accounts (key, period, period_index, spent, reserved)
            VALUES (\(SharedDatabase.bytea(SharedKeys.ledger(t.key))), \(t.key.period.rawValue), \(t.key.index), 0, \(amount))
            ON CONFLICT (key) DO UPDATE SET reserved = limits_accounts.reserved + EXCLUDED.reserved
              WHERE limits_accounts.spent::numeric + limits_accounts.reserved + EXCLUDED.reserved <= \(t.limit)
            RETURNING 1
            """, what: "budget reserve")
        return rows.isEmpty ? t : nil
    }

    /// The accounts exist (their reservation is outstanding, so nothing forgets them); the one statement locks
    /// their rows in index (key) order.
    public func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64) async throws {
        guard !targets.isEmpty else { return }
        // Saturating like the in-memory store: a reported cost never wraps around into credit.
        try await database.query("""
            UPDATE limits_accounts SET reserved = reserved - \(reserved),
              spent = LEAST(spent::numeric + \(actual), 9223372036854775807)::bigint
            WHERE key = ANY(\(targets.map { SharedDatabase.bytea(SharedKeys.ledger($0.key)) })::bytea[])
            """, what: "budget settle")
    }

    public func release(_ targets: [BudgetTarget], reserved: Int64) async throws {
        guard !targets.isEmpty else { return }
        try await database.query("""
            UPDATE limits_accounts SET reserved = reserved - \(reserved) WHERE key = ANY(\(targets.map { SharedDatabase.bytea(SharedKeys.ledger($0.key)) })::bytea[])
            """, what: "budget release")
    }

    public func account(_ key: LedgerKey) async throws -> Account {
        let rows = try await database.query(
            "SELECT spent, reserved FROM limits_accounts WHERE key = \(SharedDatabase.bytea(SharedKeys.ledger(key)))", what: "budget read")
        guard let row = rows.first else { return Account() }
        let (spent, reserved) = try row.decode((Int64, Int64).self)
        return Account(spent: spent, reserved: reserved)
    }

    public func forgetEnded(currentDay: Int64, currentMonth: Int64) async throws {
        try await database.query("""
            DELETE FROM limits_accounts WHERE reserved = 0
              AND ((period = 'day' AND period_index < \(currentDay)) OR (period = 'month' AND period_index < \(currentMonth)))
            """, what: "budget cleanup")
    }

    /// Creates missing accounts, then locks all of them in key order; returns them by key.
    static func lock(_ keys: [([UInt8], LedgerKey)], _ db: PostgresConnection) async throws -> [[UInt8]: Account] {
        let sorted = keys.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        try await db.query("""
            INSERT INTO limits_accounts (key, period, period_index)
            SELECT * FROM unnest(\(sorted.map { SharedDatabase.bytea($0.0) })::bytea[], \(sorted.map { $0.1.period.rawValue })::text[], \(sorted.map { $0.1.index })::bigint[])
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
