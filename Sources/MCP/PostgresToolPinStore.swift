import Database
import Foundation
import PostgresNIO

/// Tool pins and definitions awaiting approval, in the PostgreSQL database the replicas share: a pin approved
/// with `portcullis mcp approve` (or trusted on first use by any replica) is in force on every replica, and a
/// changed definition is hidden everywhere until approved.
public final class PostgresToolPinStore: ToolPinStore {
    let database: SharedDatabase

    public init(database: SharedDatabase) async throws {
        self.database = database
        try await database.migrate(component: "mcp", Self.schema)
    }

    static let schema: [SchemaStep] = [
        SchemaStep(version: 1, [
            """
            CREATE TABLE mcp_tool_pins (server text NOT NULL, tool text NOT NULL, hash text NOT NULL, definition text NOT NULL,
              approved_by text NOT NULL, approved_at double precision NOT NULL, PRIMARY KEY (server, tool))
            """,
            """
            CREATE TABLE mcp_pending_definitions (server text NOT NULL, tool text NOT NULL, hash text NOT NULL, definition text NOT NULL,
              first_seen double precision NOT NULL, last_seen double precision NOT NULL, PRIMARY KEY (server, tool, hash))
            """,
        ]),
    ]

    static let pinColumns = "server, tool, hash, definition, approved_by, approved_at"

    static func pin(_ row: PostgresRow) throws -> ToolPin {
        let (server, tool, hash, definition, by, at) = try row.decode((String, String, String, String, String, Double).self)
        return ToolPin(server: server, tool: tool, hash: hash, definition: definition, approvedBy: by, approvedAt: Date(timeIntervalSince1970: at))
    }

    public func pin(server: String, tool: String) async throws -> ToolPin? {
        try await database.query(
            "SELECT \(unescaped: Self.pinColumns) FROM mcp_tool_pins WHERE server = \(server) AND tool = \(tool)", what: "tool pin read"
        ).first.map(Self.pin)
    }

    public func approve(_ pin: ToolPin) async throws {
        try await database.transaction(what: "tool pin approve") { db in
            try await db.query("""
                INSERT INTO mcp_tool_pins (server, tool, hash, definition, approved_by, approved_at)
                VALUES (\(pin.server), \(pin.tool), \(pin.hash), \(pin.definition), \(pin.approvedBy), \(pin.approvedAt.timeIntervalSince1970))
                ON CONFLICT (server, tool) DO UPDATE SET hash = EXCLUDED.hash, definition = EXCLUDED.definition,
                  approved_by = EXCLUDED.approved_by, approved_at = EXCLUDED.approved_at
                """, logger: SharedDatabase.quiet)
            try await db.query("DELETE FROM mcp_pending_definitions WHERE server = \(pin.server) AND tool = \(pin.tool)", logger: SharedDatabase.quiet)
        }
    }

    public func pinIfAbsent(_ pin: ToolPin) async throws -> ToolPin {
        try await database.query("""
            INSERT INTO mcp_tool_pins (server, tool, hash, definition, approved_by, approved_at)
            VALUES (\(pin.server), \(pin.tool), \(pin.hash), \(pin.definition), \(pin.approvedBy), \(pin.approvedAt.timeIntervalSince1970))
            ON CONFLICT (server, tool) DO NOTHING
            """, what: "tool pin first use")
        // Whichever replica pinned first, this is the pin in force.
        guard let inForce = try await self.pin(server: pin.server, tool: pin.tool) else {
            throw DatabaseUnavailable(reason: "tool pin vanished after insert")
        }
        return inForce
    }

    public func revoke(server: String, tool: String) async throws -> Bool {
        try await !database.query(
            "DELETE FROM mcp_tool_pins WHERE server = \(server) AND tool = \(tool) RETURNING tool", what: "tool pin revoke"
        ).isEmpty
    }

    public func recordPending(_ d: PendingDefinition) async throws {
        try await database.query("""
            INSERT INTO mcp_pending_definitions (server, tool, hash, definition, first_seen, last_seen)
            VALUES (\(d.server), \(d.tool), \(d.hash), \(d.definition), \(d.firstSeen.timeIntervalSince1970), \(d.lastSeen.timeIntervalSince1970))
            ON CONFLICT (server, tool, hash) DO UPDATE SET last_seen = EXCLUDED.last_seen
            """, what: "tool pin pending")
    }

    public func pins() async throws -> [ToolPin] {
        try await database.query("SELECT \(unescaped: Self.pinColumns) FROM mcp_tool_pins ORDER BY server, tool", what: "tool pins").map(Self.pin)
    }

    public func pending() async throws -> [PendingDefinition] {
        try await database.query("""
            SELECT server, tool, hash, definition, first_seen, last_seen FROM mcp_pending_definitions ORDER BY server, tool, first_seen
            """, what: "tool pins pending").map { row in
            let (server, tool, hash, definition, first, last) = try row.decode((String, String, String, String, Double, Double).self)
            return PendingDefinition(
                server: server, tool: tool, hash: hash, definition: definition,
                firstSeen: Date(timeIntervalSince1970: first), lastSeen: Date(timeIntervalSince1970: last))
        }
    }
}
