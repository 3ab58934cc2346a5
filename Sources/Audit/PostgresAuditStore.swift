import Database
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The audit store shared by the replicas of a deployment, in PostgreSQL: one chain, one total order.
///
/// Every append is one transaction that locks the single chain-head row (`SELECT … FOR UPDATE`), chains the
/// batch onto the head it finds (sequence numbers, hashes, Merkle frontier, a checkpoint when due), inserts
/// the records and writes the new head. Each replica still group-commits (`AuditTrail`): records arriving
/// while a transaction runs go into the next one, so the lock is taken once per batch, not per record. When
/// the transaction commits the records are durable (PostgreSQL's `synchronous_commit`, on by default), so a
/// begin record is durable before the request is forwarded, as with SQLite.
///
/// Open requests are tracked in `audit_open`. A replica holds a lease in `audit_replicas` (renewed every few
/// seconds); when it stops without closing its trails, it closes them itself at restart, or another replica
/// does once the lease lapses — under the head lock, so a trail is never closed twice.
public final class PostgresAuditStore: AuditStore {
    let database: SharedDatabase
    let logger: Logger
    /// Whether this replica's own leftovers (trails open from before its restart) were closed already.
    private let ownLeftoversClosed = Atomic<Bool>(false)
    /// Since when this replica has reached the database without a failed lease renewal (from start on).
    private let judgesOthers = Mutex(LeaseStanding.since(.now))
    private enum LeaseStanding { case cutOff, since(ContinuousClock.Instant) }
    /// Until when appends skip the compare-and-swap (another replica appended recently).
    private let lockUntil = Mutex(ContinuousClock.now)

    public var sharedChain: Bool { true }
    public var replicaLeaseSeconds: Double { database.configuration.replicaLeaseSeconds }

    /// Opens the store, applying schema migrations, and (`takesPart`: a gateway replica, not the `audit`
    /// command line) takes this replica's lease.
    public init(database: SharedDatabase, takesPart: Bool = true, logger: Logger = Logger(label: "portcullis.audit")) async throws {
        self.database = database
        self.logger = logger
        try await database.migrate(component: "audit", Self.schema)
        if takesPart { try await renewReplicaLease() }
    }

    static let schema: [SchemaStep] = [
        SchemaStep(version: 1, [
            """
            CREATE TABLE audit_records (
              sequence bigint PRIMARY KEY, time text NOT NULL, trail_id text NOT NULL, request_id text NOT NULL,
              phase text NOT NULL, subject text, outcome text, canonical bytea NOT NULL, hash bytea NOT NULL,
              content bytea, content_removed text, replica text NOT NULL)
            """,
            "CREATE INDEX audit_records_trail ON audit_records (trail_id)",
            "CREATE INDEX audit_records_request ON audit_records (request_id)",
            "CREATE INDEX audit_records_subject ON audit_records (subject)",
            "CREATE INDEX audit_records_time ON audit_records (time)",
            """
            CREATE TABLE audit_head (
              id integer PRIMARY KEY CHECK (id = 1), size bigint NOT NULL, last_hash bytea NOT NULL,
              frontier bytea NOT NULL, checkpoint_size bigint NOT NULL)
            """,
            "INSERT INTO audit_head VALUES (1, 0, decode(repeat('00', 32), 'hex'), ''::bytea, 0)",
            "CREATE TABLE audit_open (trail_id text NOT NULL, sequence bigint NOT NULL, replica text NOT NULL, PRIMARY KEY (trail_id, sequence))",
            "CREATE INDEX audit_open_replica ON audit_open (replica)",
            "CREATE TABLE audit_checkpoints (tree_size bigint PRIMARY KEY, root bytea NOT NULL, note text NOT NULL)",
            "CREATE TABLE audit_subject_keys (key_id text PRIMARY KEY, subject text NOT NULL UNIQUE, wrapped bytea NOT NULL)",
            "CREATE TABLE audit_metadata (key text PRIMARY KEY, value text NOT NULL)",
            "CREATE TABLE audit_replicas (replica text PRIMARY KEY, lease_until timestamptz NOT NULL)",
            "CREATE TABLE audit_leases (name text PRIMARY KEY, holder text NOT NULL, until timestamptz NOT NULL)",
        ]),
    ]

    // MARK: The chain

    public func append(_ records: [StoredRecord], checkpoint: SignedCheckpoint?) async throws {
        // Only chained appends keep the shared head right; this entry point is for single-writer stores.
        throw AuditUnavailable(reason: "the shared audit store appends only onto its locked chain head")
    }

    /// First one statement, one round trip: the batch is chained onto the head this replica last saw, and the
    /// statement writes the records, the open-trail rows, a checkpoint and the new head only if the head row
    /// still is that head (compare-and-swap: the `UPDATE … WHERE size = … AND last_hash = …` takes the row lock,
    /// and a head another replica moved meanwhile matches nothing, so nothing is written). A single statement
    /// commits on its own: when it returns, the records are durable. On a miss (another replica appended since),
    /// the batch goes through a transaction that locks the head row, reads it and chains onto it — replicas then
    /// queue on the row lock in turn, so none is starved however hot the chain is.
    /// After a miss the next second's batches go straight to the locking transaction: while several replicas
    /// append at once, a compare-and-swap would mostly miss and cost a wasted round trip.
    public func append(onto cached: ChainState, _ build: @escaping @Sendable (ChainState) throws -> ChainExtension) async throws -> ChainExtension {
        let now = ContinuousClock.now
        if now >= lockUntil.withLock({ $0 }) {
            let optimistic = try build(cached)
            if try await compareAndAppend(expected: cached, optimistic) { return optimistic }
            lockUntil.withLock { $0 = now + .seconds(1) }
        }
        let replica = database.replica, logger = self.logger
        return try await database.transaction(what: "audit append") { db in
            let head = try await Self.lockHead(db, logger: logger)
            let next = try build(head)
            try await Self.write(next, replica: replica, db, logger: logger)
            return next
        }
    }

    private func compareAndAppend(expected: ChainState, _ next: ChainExtension) async throws -> Bool {
        let rows = try await database.execute(SwapAppend(expected: expected, next: next, replica: database.replica), what: "audit append")
        return rows.first == 1
    }

    static let recordColumns = "(sequence, time, trail_id, request_id, phase, subject, outcome, canonical, hash, content, replica)"
    /// The locking path's insert of a batch (binds from `appendRecordArrays`).
    static let insertRecords = "INSERT INTO audit_records \(recordColumns) \(recordsSelect(from: 1))"

    /// The compare-and-swap append as one prepared statement (one text whatever the batch: parsed and planned once
    /// per connection): the new head is written only if the head row still is the one the batch was chained onto,
    /// and every other part only if it was — the records, the open trails the batch begins and those it closes,
    /// and a checkpoint when one is due. All parts see one snapshot: a trail begun and ended in the batch is never
    /// opened. Returns 1 when the swap took place, 0 when another replica had moved the head.
    struct SwapAppend: PostgresPreparedStatement {
        static let name = "portcullis_audit_swap_append"
        static let sql = """
            WITH head AS (
              UPDATE audit_head SET size = $1, last_hash = $2, frontier = $3, checkpoint_size = $4
              WHERE id = 1 AND size = $5 AND last_hash = $6 RETURNING 1),
            records AS (
              INSERT INTO audit_records \(recordColumns)
              \(recordsSelect(from: 7)) WHERE EXISTS (SELECT 1 FROM head)),
            opened AS (
              INSERT INTO audit_open (trail_id, sequence, replica)
              SELECT t, s, $18::text FROM unnest($19::text[], $20::bigint[]) AS x(t, s) WHERE EXISTS (SELECT 1 FROM head)),
            closed AS (
              DELETE FROM audit_open WHERE trail_id = ANY($21::text[]) AND EXISTS (SELECT 1 FROM head)),
            checkpoint AS (
              INSERT INTO audit_checkpoints (tree_size, root, note)
              SELECT $22::bigint, $23::bytea, $24::text WHERE $25::boolean AND EXISTS (SELECT 1 FROM head)
              ON CONFLICT (tree_size) DO NOTHING)
            SELECT count(*)::bigint FROM head
            """
        var expected: ChainState
        var next: ChainExtension
        var replica: String

        func makeBindings() -> PostgresBindings {
            var b = PostgresBindings(capacity: 25)
            let h = next.head
            b.append(h.frontier.size)
            b.append(SharedDatabase.bytea(h.lastHash))
            b.append(SharedDatabase.bytea(h.frontier.serialized))
            b.append(h.checkpointSize)
            b.append(expected.frontier.size)
            b.append(SharedDatabase.bytea(expected.lastHash))
            appendRecordArrays(next.rows, replica: replica, to: &b)
            let closing = Set(next.rows.filter { $0.phase == AuditRecord.Phase.end.rawValue || $0.phase == AuditRecord.Phase.aborted.rawValue }.map(\.trailID))
            let begins = next.rows.filter { $0.phase == AuditRecord.Phase.begin.rawValue && !closing.contains($0.trailID) }
            b.append(begins.map(\.trailID))
            b.append(begins.map(\.sequence))
            b.append(Array(closing))
            let c = next.checkpoint
            b.append(c?.treeSize ?? 0)
            b.append(SharedDatabase.bytea(c?.rootHash ?? []))
            b.append(c?.text ?? "")
            b.append(c != nil)
            return b
        }

        func decodeRow(_ row: PostgresRow) throws -> Int { try row.decode(Int.self) }
    }

    public func closeOpenBegins(
        onto cached: ChainState, _ build: @escaping @Sendable (ChainState, [StoredRecord]) throws -> ChainExtension
    ) async throws -> (head: ChainState, closed: Int) {
        let includeOwn = !ownLeftoversClosed.load(ordering: .relaxed)
        let includeOthers = mayJudgeOthers
        guard includeOwn || includeOthers else { return (cached, 0) }
        let replica = database.replica, logger = self.logger, lease = database.configuration.replicaLeaseSeconds
        // Looked for first without the head lock: the maintenance runs every few seconds and mostly finds nothing.
        let found = try await database.query(
            Self.leftovers(nil, replica: replica, includeOwn: includeOwn, includeOthers: includeOthers, lease: lease), what: "audit open trails")
        guard !found.isEmpty else {
            ownLeftoversClosed.store(true, ordering: .relaxed)
            return (cached, 0)
        }
        let result = try await database.transaction(what: "audit close open trails") { db -> (ChainState, Int) in
            let head = try await Self.lockHead(db, logger: logger)
            let rows = try await db.query(
                Self.leftovers(Self.columns, replica: replica, includeOwn: includeOwn, includeOthers: includeOthers, lease: lease),
                logger: logger).collect().map(Self.record)
            guard !rows.isEmpty else { return (head, 0) }
            let next = try build(head, rows)
            try await Self.write(next, replica: replica, db, logger: logger)
            return (next.head, next.rows.count)
        }
        ownLeftoversClosed.store(true, ordering: .relaxed)
        return result
    }

    public func chainHead() async throws -> ChainState? {
        let rows = try await database.query("SELECT size, last_hash, frontier, checkpoint_size FROM audit_head WHERE id = 1", what: "audit head")
        guard let row = rows.first else { throw AuditError.storeCorrupt("the chain head row is missing") }
        return try Self.head(row)
    }

    public func renewReplicaLease() async throws {
        do {
            try await database.query("""
                INSERT INTO audit_replicas (replica, lease_until) VALUES (\(database.replica), now() + make_interval(secs => \(database.configuration.replicaLeaseSeconds)))
                ON CONFLICT (replica) DO UPDATE SET lease_until = EXCLUDED.lease_until
                """, what: "audit replica lease")
        } catch {
            judgesOthers.withLock { $0 = .cutOff }
            throw error
        }
        judgesOthers.withLock { state in
            if case .cutOff = state { state = .since(.now) }
        }
    }

    /// Whether this replica may take another's lapsed lease as proof it is gone. Not while it is itself cut off from
    /// the database, and not until a whole lease has passed since it got through again: the others were cut off
    /// too and need that long to renew theirs — their trails are live, not left over.
    /// Any failed statement counts, not only a failed renewal: the renewals run every few seconds and a short
    /// outage can fall between two of them.
    private var mayJudgeOthers: Bool {
        let lease = Duration.milliseconds(Int64(database.configuration.replicaLeaseSeconds * 1000))
        if let failed = database.lastFailure, ContinuousClock.now - failed < lease { return false }
        return judgesOthers.withLock { state in
            switch state {
            case .cutOff: return false
            case .since(let t): return ContinuousClock.now - t >= lease
            }
        }
    }

    /// Takes or renews the named lease (e.g. one SIEM stream's sender) if it is free, lapsed, or already
    /// `holder`'s; true when `holder` holds it now.
    public func claimLease(_ name: String, holder: String, seconds: Double) async throws -> Bool {
        let rows = try await database.query("""
            INSERT INTO audit_leases (name, holder, until) VALUES (\(name), \(holder), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
              WHERE audit_leases.holder = EXCLUDED.holder OR audit_leases.until <= now()
            RETURNING holder
            """, what: "audit lease")
        return !rows.isEmpty
    }

    /// The open begin records this replica closes: its own leftovers (only at the first call after start: later,
    /// its open trails are live) and, when it may judge others, those of replicas without a live lease — and only
    /// once the database itself has been up for a whole lease: after a restart of the server every replica had
    /// its renewals refused while it was down, and needs that long to renew, whether or not this replica noticed.
    static func leftovers(_ columns: String?, replica: String, includeOwn: Bool, includeOthers: Bool, lease: Double) -> PostgresQuery {
        // The open trails are found in `audit_open` first (a few rows) and their records then fetched by key: a
        // join ordered by sequence would let the planner walk the whole (large) record table.
        let open: PostgresQuery = """
            SELECT o.sequence FROM audit_open o
            WHERE (o.replica = \(replica) AND \(includeOwn))
               OR (\(includeOthers) AND o.replica <> \(replica)
                   AND pg_postmaster_start_time() < now() - make_interval(secs => \(lease))
                   AND o.replica NOT IN (SELECT replica FROM audit_replicas WHERE lease_until > now()))
            """
        guard let columns else { return PostgresQuery(unsafeSQL: open.sql + " LIMIT 1", binds: open.binds) }
        return PostgresQuery(
            unsafeSQL: "SELECT \(columns) FROM audit_records WHERE sequence = ANY(ARRAY(\(open.sql))) ORDER BY sequence", binds: open.binds)
    }

    /// The records of a batch as one `SELECT` over arrays, in the column order of `audit_records`: one bind per
    /// column instead of one per value, so the statement has one text whatever the batch size (a `VALUES` list of
    /// eleven binds per record was parsed and planned anew for every batch size). Nullable columns go with a
    /// mask, as array elements cannot be NULL here: bit 1 subject, 2 outcome, 4 content. Binds `$first` to
    /// `$(first + 11)` (the last is the replica); `appendRecordArrays` appends them in that order.
    static func recordsSelect(from first: Int) -> String {
        let p = (first...(first + 11)).map { "$\($0)" }
        let types = ["bigint", "text", "text", "text", "text", "text", "text", "bytea", "bytea", "bytea", "int"]
        return """
            SELECT s, t, tr, rq, ph, CASE WHEN n & 1 = 0 THEN su END, CASE WHEN n & 2 = 0 THEN ou END, ca, ha,
              CASE WHEN n & 4 = 0 THEN co END, \(p[11])::text
            FROM unnest(\(zip(p, types).map { "\($0)::\($1)[]" }.joined(separator: ", "))) AS v(s, t, tr, rq, ph, su, ou, ca, ha, co, n)
            """
    }

    static func appendRecordArrays(_ rows: [StoredRecord], replica: String, to binds: inout PostgresBindings) {
        binds.append(rows.map(\.sequence))
        binds.append(rows.map(\.time))
        binds.append(rows.map(\.trailID))
        binds.append(rows.map(\.requestID))
        binds.append(rows.map(\.phase))
        binds.append(rows.map { $0.subject ?? "" })
        binds.append(rows.map { $0.outcome ?? "" })
        binds.append(rows.map { SharedDatabase.bytea($0.canonical) })
        binds.append(rows.map { SharedDatabase.bytea($0.hash) })
        binds.append(rows.map { SharedDatabase.bytea($0.content ?? []) })
        binds.append(rows.map { r in Int32((r.subject == nil ? 1 : 0) | (r.outcome == nil ? 2 : 0) | (r.content == nil ? 4 : 0)) })
        binds.append(replica)
    }

    static func lockHead(_ db: PostgresConnection, logger: Logger) async throws -> ChainState {
        let rows = try await db.query(
            "SELECT size, last_hash, frontier, checkpoint_size FROM audit_head WHERE id = 1 FOR UPDATE", logger: logger
        ).collect()
        guard let row = rows.first else { throw AuditError.storeCorrupt("the chain head row is missing") }
        return try head(row)
    }

    static func head(_ row: PostgresRow) throws -> ChainState {
        let (size, last, frontier, checkpointSize) = try row.decode((Int, ByteBuffer, ByteBuffer, Int).self)
        guard let head = ChainState(
            size: size, lastHash: SharedDatabase.bytes(last), frontier: SharedDatabase.bytes(frontier), checkpointSize: checkpointSize)
        else { throw AuditError.storeCorrupt("the chain head does not fit its size") }
        return head
    }

    /// Inserts the records, tracks open trails, stores a checkpoint and the new head — inside the caller's
    /// transaction, which holds the head lock.
    static func write(_ next: ChainExtension, replica: String, _ db: PostgresConnection, logger: Logger) async throws {
        guard !next.rows.isEmpty || next.checkpoint != nil else { return }
        if !next.rows.isEmpty {
            var binds = PostgresBindings(capacity: 12)
            Self.appendRecordArrays(next.rows, replica: replica, to: &binds)
            try await db.query(PostgresQuery(unsafeSQL: Self.insertRecords, binds: binds), logger: logger)
            let begins = next.rows.filter { $0.phase == AuditRecord.Phase.begin.rawValue }
            if !begins.isEmpty {
                try await db.query("""
                    INSERT INTO audit_open (trail_id, sequence, replica)
                    SELECT t, s, \(replica) FROM unnest(\(begins.map(\.trailID))::text[], \(begins.map(\.sequence))::bigint[]) AS x(t, s)
                    """, logger: logger)
            }
            let closing = next.rows.filter { $0.phase == AuditRecord.Phase.end.rawValue || $0.phase == AuditRecord.Phase.aborted.rawValue }
            if !closing.isEmpty {
                try await db.query("DELETE FROM audit_open WHERE trail_id = ANY(\(closing.map(\.trailID))::text[])", logger: logger)
            }
        }
        if let c = next.checkpoint {
            try await db.query("""
                INSERT INTO audit_checkpoints (tree_size, root, note) VALUES (\(c.treeSize), \(SharedDatabase.bytea(c.rootHash)), \(c.text))
                ON CONFLICT (tree_size) DO NOTHING
                """, logger: logger)
        }
        let h = next.head
        try await db.query("""
            UPDATE audit_head SET size = \(h.frontier.size), last_hash = \(SharedDatabase.bytea(h.lastHash)),
              frontier = \(SharedDatabase.bytea(h.frontier.serialized)), checkpoint_size = \(h.checkpointSize)
            WHERE id = 1
            """, logger: logger)
    }

    public func saveCheckpoint(_ c: SignedCheckpoint) async throws {
        try await database.transaction(what: "audit checkpoint") { [logger] (db: PostgresConnection) in
            try await db.query("""
                INSERT INTO audit_checkpoints (tree_size, root, note) VALUES (\(c.treeSize), \(SharedDatabase.bytea(c.rootHash)), \(c.text))
                ON CONFLICT (tree_size) DO NOTHING
                """, logger: logger)
            try await db.query("UPDATE audit_head SET checkpoint_size = GREATEST(checkpoint_size, \(c.treeSize)) WHERE id = 1", logger: logger)
        }
    }

    // MARK: Reading

    static let columns = "sequence, time, trail_id, request_id, phase, subject, outcome, canonical, hash, content, content_removed"

    static func record(_ row: PostgresRow) throws -> StoredRecord {
        let (seq, time, trail, request, phase, subject, outcome, canonical, hash, content, removed) = try row.decode(
            (Int, String, String, String, String, String?, String?, ByteBuffer, ByteBuffer, ByteBuffer?, String?).self)
        return StoredRecord(
            sequence: seq, time: time, trailID: trail, requestID: request, phase: phase, subject: subject, outcome: outcome,
            canonical: SharedDatabase.bytes(canonical), hash: SharedDatabase.bytes(hash), content: content.map(SharedDatabase.bytes),
            contentRemoved: removed)
    }

    private func records(_ query: PostgresQuery, what: String) async throws -> [StoredRecord] {
        try await database.query(query, what: what).map(Self.record)
    }

    public func recordHashes(after: Int, limit: Int) async throws -> [[UInt8]] {
        try await database.query("SELECT hash FROM audit_records WHERE sequence > \(after) ORDER BY sequence LIMIT \(limit)", what: "audit hashes")
            .map { SharedDatabase.bytes(try $0.decode(ByteBuffer.self)) }
    }

    public func records(after: Int, limit: Int) async throws -> [StoredRecord] {
        try await records("SELECT \(unescaped: Self.columns) FROM audit_records WHERE sequence > \(after) ORDER BY sequence LIMIT \(limit)", what: "audit records")
    }

    public func records(trailID: String) async throws -> [StoredRecord] {
        try await records("SELECT \(unescaped: Self.columns) FROM audit_records WHERE trail_id = \(trailID) ORDER BY sequence", what: "audit trail")
    }

    public func records(requestID: String) async throws -> [StoredRecord] {
        try await records("SELECT \(unescaped: Self.columns) FROM audit_records WHERE request_id = \(requestID) ORDER BY sequence", what: "audit request")
    }

    public func records(subject: String) async throws -> [StoredRecord] {
        try await records("SELECT \(unescaped: Self.columns) FROM audit_records WHERE subject = \(subject) ORDER BY sequence", what: "audit subject")
    }

    public func openBegins() async throws -> [StoredRecord] {
        try await records("""
            SELECT \(unescaped: Self.columns) FROM audit_records WHERE sequence = ANY(ARRAY(SELECT sequence FROM audit_open)) ORDER BY sequence
            """, what: "audit open trails")
    }

    static func checkpoint(_ row: PostgresRow) throws -> SignedCheckpoint {
        let (size, root, note) = try row.decode((Int, ByteBuffer, String).self)
        return SignedCheckpoint(origin: String(note.prefix { $0 != "\n" }), treeSize: size, rootHash: SharedDatabase.bytes(root), text: note)
    }

    public func checkpoints() async throws -> [SignedCheckpoint] {
        try await database.query("SELECT tree_size, root, note FROM audit_checkpoints ORDER BY tree_size", what: "audit checkpoints")
            .map(Self.checkpoint)
    }

    public func latestCheckpoint() async throws -> SignedCheckpoint? {
        try await database.query("SELECT tree_size, root, note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1", what: "audit checkpoint")
            .first.map(Self.checkpoint)
    }

    // MARK: Content keys, retention, erasure, metadata

    static func key(_ row: PostgresRow) throws -> WrappedSubjectKey {
        let (id, subject, wrapped) = try row.decode((String, String, ByteBuffer).self)
        return WrappedSubjectKey(keyID: id, subject: subject, wrapped: SharedDatabase.bytes(wrapped))
    }

    public func subjectKey(subject: String) async throws -> WrappedSubjectKey? {
        try await database.query("SELECT key_id, subject, wrapped FROM audit_subject_keys WHERE subject = \(subject)", what: "audit subject key")
            .first.map(Self.key)
    }

    public func subjectKey(id: String) async throws -> WrappedSubjectKey? {
        try await database.query("SELECT key_id, subject, wrapped FROM audit_subject_keys WHERE key_id = \(id)", what: "audit subject key")
            .first.map(Self.key)
    }

    public func insertSubjectKey(_ key: WrappedSubjectKey) async throws -> WrappedSubjectKey {
        try await database.query("""
            INSERT INTO audit_subject_keys (key_id, subject, wrapped) VALUES (\(key.keyID), \(key.subject), \(SharedDatabase.bytea(key.wrapped)))
            ON CONFLICT DO NOTHING
            """, what: "audit subject key")
        guard let stored = try await subjectKey(subject: key.subject) else { throw AuditError.storeCorrupt("subject key vanished") }
        return stored
    }

    public func deleteSubjectKeys(subjects: [String]) async throws -> Int {
        try await database.query("DELETE FROM audit_subject_keys WHERE subject = ANY(\(subjects)::text[]) RETURNING key_id", what: "audit erase keys").count
    }

    public func removeContent(before cutoff: String) async throws -> Int {
        try await database.query("""
            UPDATE audit_records SET content = NULL, content_removed = 'retention' WHERE time < \(cutoff) AND content IS NOT NULL RETURNING sequence
            """, what: "audit retention").count
    }

    public func removeContent(sequences: [Int], reason: String) async throws -> Int {
        try await database.query("""
            UPDATE audit_records SET content = NULL, content_removed = \(reason) WHERE sequence = ANY(\(sequences)::bigint[]) AND content IS NOT NULL RETURNING sequence
            """, what: "audit erasure").count
    }

    public func metadata(_ key: String) async throws -> String? {
        try await database.query("SELECT value FROM audit_metadata WHERE key = \(key)", what: "audit metadata")
            .first.map { try $0.decode(String.self) }
    }

    public func setMetadata(_ key: String, _ value: String) async throws {
        try await database.query("""
            INSERT INTO audit_metadata (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
            """, what: "audit metadata")
    }

    public func ping() async throws { try await database.ping() }

    /// Raw SQL, for the tamper tests only (a database administrator can do the same).
    func execute(_ sql: String) async throws { try await database.query(PostgresQuery(unsafeSQL: sql), what: "test statement") }

    public func close() async throws {}
}
