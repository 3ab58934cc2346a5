import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, through GRDB.
///
/// Durability: `synchronous = FULL`. In WAL mode NORMAL already survives a killed process, but it may
/// lose the last transactions on power loss or an OS crash — and a begin record must never be lost
/// once the gateway has forwarded the request. FULL costs one fsync of the WAL per commit; group
/// commit (see `AuditTrail`) shares that fsync among all records that arrive meanwhile.
public final class SQLiteAuditStore: AuditStore {
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path`, with its directory.
    public init(path: String, readOnly: Bool = false) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !readOnly, !dir.isEmpty {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(10)
        config.label = "portcullis.audit"
        pool = try DatabasePool(path: path, configuration: config)
        if !readOnly {
            // After opening: GRDB switches WAL pools to NORMAL while opening the writer connection. The
            // writer is one persistent connection, so the setting holds for every later commit.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE records (
                  seq INTEGER PRIMARY KEY,
                  time TEXT NOT NULL,
                  request_id TEXT NOT NULL,
                  phase TEXT NOT NULL,
                  subject TEXT,
                  outcome TEXT,
                  canonical BLOB NOT NULL,
                  hash BLOB NOT NULL,
                  content BLOB,
                  content_removed TEXT
                );
                CREATE INDEX records_request ON records(request_id);
                CREATE INDEX records_subject ON records(subject);
                CREATE INDEX records_time ON records(time);
                CREATE TABLE checkpoints (tree_size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL);
                CREATE TABLE subject_keys (key_id TEXT PRIMARY KEY, subject TEXT NOT NULL UNIQUE, wrapped BLOB NOT NULL);
                CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        // Trails are keyed by a gateway-generated id; older records' trail is their request id.
        m.registerMigration("v2-trail-id") { db in
            try db.execute(sql: """
                ALTER TABLE records ADD COLUMN trail_id TEXT;
                UPDATE records SET trail_id = request_id;
                CREATE INDEX records_trail ON records(trail_id);
                """)
        }
        // Named leases (audit streams: one sender per stream among processes sharing the file).
        m.registerMigration("v3-leases") { db in
            try db.execute(sql: "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires REAL NOT NULL)")
        }
        return m
    }

    public func append(_ records: [StoredRecord], checkpoint: SignedCheckpoint?) async throws {
        try await pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO records (seq, time, trail_id, request_id, phase, subject, outcome, canonical, hash, content)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for r in records {
                try insert.execute(arguments: [
                    r.sequence, r.time, r.trailID, r.requestID, r.phase, r.subject, r.outcome, Data(r.canonical), Data(r.hash),
                    r.content.map { Data($0) },
                ])
            }
            if let checkpoint { try Self.insert(checkpoint, db) }
        }
    }

    static func insert(_ c: SignedCheckpoint, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO checkpoints (tree_size, root, note) VALUES (?, ?, ?)",
            arguments: [c.treeSize, Data(c.rootHash), c.text])
    }

    public func saveCheckpoint(_ checkpoint: SignedCheckpoint) async throws {
        try await pool.write { db in try Self.insert(checkpoint, db) }
    }

    public func recordHashes(after: Int, limit: Int) async throws -> [[UInt8]] {
        try await pool.read { db in
            try Data.fetchAll(db, sql: "SELECT hash FROM records WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                .map { Array($0) }
        }
    }

    static func record(_ row: Row) -> StoredRecord {
        StoredRecord(
            sequence: row["seq"], time: row["time"], trailID: (row["trail_id"] as String?) ?? row["request_id"], requestID: row["request_id"], phase: row["phase"],
            subject: row["subject"], outcome: row["outcome"], canonical: Array(row["canonical"] as Data? ?? Data()),
            hash: Array(row["hash"] as Data? ?? Data()), content: (row["content"] as Data?).map { Array($0) },
            contentRemoved: row["content_removed"])
    }

    public func records(after: Int, limit: Int) async throws -> [StoredRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                .map(Self.record)
        }
    }

    public func records(trailID: String) async throws -> [StoredRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM records WHERE trail_id = ? ORDER BY seq", arguments: [trailID])
                .map(Self.record)
        }
    }

    public func records(requestID: String) async throws -> [StoredRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM records WHERE request_id = ? ORDER BY seq", arguments: [requestID])
                .map(Self.record)
        }
    }

    public func openBegins() async throws -> [StoredRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM records b WHERE b.phase = 'begin' AND NOT EXISTS (
                  SELECT 1 FROM records e WHERE e.trail_id = b.trail_id AND e.phase IN ('end', 'aborted'))
                ORDER BY seq
                """).map(Self.record)
        }
    }

    static func checkpoint(_ row: Row) -> SignedCheckpoint {
        SignedCheckpoint(
            origin: String((row["note"] as String).prefix { $0 != "\n" }), treeSize: row["tree_size"],
            rootHash: Array(row["root"] as Data? ?? Data()), text: row["note"])
    }

    public func checkpoints() async throws -> [SignedCheckpoint] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM checkpoints ORDER BY tree_size").map(Self.checkpoint)
        }
    }

    public func latestCheckpoint() async throws -> SignedCheckpoint? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1").map(Self.checkpoint)
        }
    }

    static func key(_ row: Row) -> WrappedSubjectKey {
        WrappedSubjectKey(keyID: row["key_id"], subject: row["subject"], wrapped: Array(row["wrapped"] as Data? ?? Data()))
    }

    public func subjectKey(subject: String) async throws -> WrappedSubjectKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subject_keys WHERE subject = ?", arguments: [subject]).map(Self.key)
        }
    }

    public func subjectKey(id: String) async throws -> WrappedSubjectKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subject_keys WHERE key_id = ?", arguments: [id]).map(Self.key)
        }
    }

    public func insertSubjectKey(_ key: WrappedSubjectKey) async throws -> WrappedSubjectKey {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO subject_keys (key_id, subject, wrapped) VALUES (?, ?, ?)",
                arguments: [key.keyID, key.subject, Data(key.wrapped)])
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM subject_keys WHERE subject = ?", arguments: [key.subject])
            else { throw AuditError.storeCorrupt("subject key vanished") }
            return Self.key(row)
        }
    }

    public func deleteSubjectKeys(subjects: [String]) async throws -> Int {
        try await pool.write { db in
            var n = 0
            for subject in subjects {
                try db.execute(sql: "DELETE FROM subject_keys WHERE subject = ?", arguments: [subject])
                n += db.changesCount
            }
            return n
        }
    }

    public func removeContent(before cutoff: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE records SET content = NULL, content_removed = 'retention' WHERE time < ? AND content IS NOT NULL",
                arguments: [cutoff])
            return db.changesCount
        }
    }

    public func removeContent(sequences: [Int], reason: String) async throws -> Int {
        try await pool.write { db in
            var n = 0
            let update = try db.cachedStatement(
                sql: "UPDATE records SET content = NULL, content_removed = ? WHERE seq = ? AND content IS NOT NULL")
            for seq in sequences {
                try update.execute(arguments: [reason, seq])
                n += db.changesCount
            }
            return n
        }
    }

    public func records(subject: String) async throws -> [StoredRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM records WHERE subject = ? ORDER BY seq", arguments: [subject])
                .map(Self.record)
        }
    }

    public func metadata(_ key: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [key]) }
    }

    public func setMetadata(_ key: String, _ value: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    public func claimLease(_ name: String, holder: String, seconds: Double) async throws -> Bool {
        try await claimLease(name, holder: holder, seconds: seconds, now: Date())
    }

    /// One statement: inserted when free, taken over when expired, renewed when ours; untouched otherwise.
    func claimLease(_ name: String, holder: String, seconds: Double, now: Date) async throws -> Bool {
        let t = now.timeIntervalSince1970
        return try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO leases (name, holder, expires) VALUES (?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
                    WHERE leases.holder = excluded.holder OR leases.expires <= ?
                    """,
                arguments: [name, holder, t + seconds, t])
            return db.changesCount > 0
        }
    }

    public func ping() async throws {
        try await pool.write { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM metadata") }
    }

    /// Raw SQL on the database, for the tamper tests only (an attacker with file access can do the same).
    func execute(_ sql: String, _ arguments: [(any Sendable)?] = []) async throws {
        let values = arguments.map { ($0 as? any DatabaseValueConvertible)?.databaseValue ?? .null }
        try await pool.write { db in try db.execute(sql: sql, arguments: StatementArguments(values)) }
    }

    /// A PRAGMA's value on the writer connection (tests check durability settings).
    func writerPragma(_ name: String) async throws -> String? {
        try await pool.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    public func close() async throws {
        try pool.close()
    }
}
