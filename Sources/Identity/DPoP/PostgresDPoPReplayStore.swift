import Database
import Logging
import Synchronization

/// The DPoP replay store shared by the replicas: a proof's digest is recorded in PostgreSQL until its expiry,
/// so a proof used on one replica is refused on every other. One statement per proof: the insert succeeds, or
/// replaces an expired entry, or finds a live one (a replay). When the database cannot answer, `firstUse`
/// throws and the call is refused as unavailable (503): never let through unrecorded.
/// Expired rows are deleted in the background about once a minute.
public final class PostgresDPoPReplayStore: DPoPReplayStore {
    let database: SharedDatabase
    private let nextPurge = Atomic<Int64>(0)

    public init(database: SharedDatabase) async throws {
        self.database = database
        try await database.migrate(component: "dpop", Self.schema)
    }

    static let schema: [SchemaStep] = [
        SchemaStep(version: 1, [
            "CREATE TABLE dpop_proofs (digest bytea PRIMARY KEY, expires_at double precision NOT NULL)",
            "CREATE INDEX dpop_proofs_expiry ON dpop_proofs (expires_at)",
        ]),
    ]

    public func firstUse(_ digest: [UInt8], expiresAt: Double, now: Double) async throws -> Bool {
        purgeIfDue(now: now)
        let rows = try await database.query("""
            INSERT INTO dpop_proofs (digest, expires_at) VALUES (\(SharedDatabase.bytea(digest)), \(expiresAt))
            ON CONFLICT (digest) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE dpop_proofs.expires_at < \(now)
            RETURNING 1
            """, what: "dpop replay check")
        return !rows.isEmpty
    }

    private func purgeIfDue(now: Double) {
        let due = nextPurge.load(ordering: .relaxed)
        let t = Int64(now)
        guard t >= due, nextPurge.compareExchange(expected: due, desired: t + 60, ordering: .relaxed).exchanged else { return }
        let database = self.database
        Task { try? await database.query("DELETE FROM dpop_proofs WHERE expires_at < \(now)", what: "dpop purge") }
    }
}
