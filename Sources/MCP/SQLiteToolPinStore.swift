import Foundation
import GRDB

/// Tool pins in a SQLite file (WAL, so the gateway reads while a command approves).
public final class SQLiteToolPinStore: ToolPinStore {
    let pool: DatabasePool

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE tool_pins (server TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL, definition TEXT NOT NULL,
                  approved_by TEXT NOT NULL, approved_at DOUBLE NOT NULL, PRIMARY KEY (server, tool));
                CREATE TABLE pending_definitions (server TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL, definition TEXT NOT NULL,
                  first_seen DOUBLE NOT NULL, last_seen DOUBLE NOT NULL, PRIMARY KEY (server, tool, hash));
                """)
        }
        try migrator.migrate(pool)
    }

    public func pin(server: String, tool: String) throws -> ToolPin? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tool_pins WHERE server = ? AND tool = ?", arguments: [server, tool]).map(Self.pin)
        }
    }

    public func approve(_ pin: ToolPin) throws {
        try pool.write { db in
            try Self.insert(pin, db: db, replacing: true)
            try db.execute(sql: "DELETE FROM pending_definitions WHERE server = ? AND tool = ?", arguments: [pin.server, pin.tool])
        }
    }

    public func pinIfAbsent(_ pin: ToolPin) throws -> ToolPin {
        try pool.write { db in
            if let existing = try Row.fetchOne(db, sql: "SELECT * FROM tool_pins WHERE server = ? AND tool = ?", arguments: [pin.server, pin.tool]) {
                return Self.pin(existing)
            }
            try Self.insert(pin, db: db, replacing: false)
            return pin
        }
    }

    public func revoke(server: String, tool: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM tool_pins WHERE server = ? AND tool = ?", arguments: [server, tool])
            return db.changesCount > 0
        }
    }

    public func recordPending(_ d: PendingDefinition) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO pending_definitions (server, tool, hash, definition, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (server, tool, hash) DO UPDATE SET last_seen = excluded.last_seen
                    """,
                arguments: [d.server, d.tool, d.hash, d.definition, d.firstSeen.timeIntervalSince1970, d.lastSeen.timeIntervalSince1970])
        }
    }

    public func pins() throws -> [ToolPin] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM tool_pins ORDER BY server, tool").map(Self.pin) }
    }

    public func pending() throws -> [PendingDefinition] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pending_definitions ORDER BY server, tool, first_seen").map { row in
                PendingDefinition(
                    server: row["server"], tool: row["tool"], hash: row["hash"], definition: row["definition"],
                    firstSeen: Date(timeIntervalSince1970: row["first_seen"]), lastSeen: Date(timeIntervalSince1970: row["last_seen"]))
            }
        }
    }

    private static func insert(_ pin: ToolPin, db: Database, replacing: Bool) throws {
        try db.execute(
            sql: "INSERT \(replacing ? "OR REPLACE " : "")INTO tool_pins (server, tool, hash, definition, approved_by, approved_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [pin.server, pin.tool, pin.hash, pin.definition, pin.approvedBy, pin.approvedAt.timeIntervalSince1970])
    }

    private static func pin(_ row: Row) -> ToolPin {
        ToolPin(
            server: row["server"], tool: row["tool"], hash: row["hash"], definition: row["definition"],
            approvedBy: row["approved_by"], approvedAt: Date(timeIntervalSince1970: row["approved_at"]))
    }
}
