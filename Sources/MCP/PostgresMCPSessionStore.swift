import Crypto
import Database
import Foundation
import PostgresNIO
import Synchronization

/// The gateway's MCP sessions in the PostgreSQL database the replicas share, so a session opened through one
/// replica is found by every other (a load balancer need not be sticky). Session ids and caller keys are
/// stored as SHA-256 digests: the table holds no bearer session id and no identity name. A lookup touches
/// the session (sliding idle limit) and matches server and caller in the same statement, so another caller's
/// or an idle session is simply not found. Requests the server sent through a session, awaiting the client's
/// answer, are kept beside it and consumed once.
public final class PostgresMCPSessionStore: Sendable {
    let database: SharedDatabase
    private let nextPurge = Atomic<Int64>(0)

    public struct Row: Sendable {
        public let server: String
        public let principalID: String
        public let revision: String
        public let upstreamID: String?
    }

    public init(database: SharedDatabase) async throws {
        self.database = database
        try await database.migrate(component: "mcp_sessions", Self.schema)
    }

    /// Over a database whose schema is already in place (tests of an unreachable database).
    public init(unmigrated database: SharedDatabase) {
        self.database = database
    }

    static let schema: [SchemaStep] = [
        SchemaStep(version: 1, [
            """
            CREATE TABLE mcp_sessions (id bytea PRIMARY KEY, server text NOT NULL, principal_id text NOT NULL, caller bytea NOT NULL,
              revision text NOT NULL, upstream_id text, last_used double precision NOT NULL)
            """,
            "CREATE INDEX mcp_sessions_principal ON mcp_sessions (principal_id, last_used)",
            "CREATE INDEX mcp_sessions_last_used ON mcp_sessions (last_used)",
            "CREATE TABLE mcp_session_requests (id bytea NOT NULL REFERENCES mcp_sessions ON DELETE CASCADE, request text NOT NULL, PRIMARY KEY (id, request))",
        ]),
    ]

    static func digest(_ text: String) -> ByteBuffer { SharedDatabase.bytea(Array(SHA256.hash(data: Array(text.utf8)))) }

    /// Opens a session; false when `maximumSessions` live sessions exist. A principal holding
    /// `maximumPerPrincipal` loses its least recently used one.
    public func open(
        id: String, server: String, principalID: String, caller: String, revision: String, upstreamID: String?,
        idleSeconds: Double, maximumSessions: Int, maximumPerPrincipal: Int
    ) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        purgeIfDue(now: now, idleSeconds: idleSeconds)
        return try await database.transaction(what: "mcp session open") { db in
            let q = SharedDatabase.quiet
            try await db.query("""
                DELETE FROM mcp_sessions WHERE id IN (
                  SELECT id FROM mcp_sessions WHERE principal_id = \(principalID) ORDER BY last_used DESC OFFSET \(max(0, maximumPerPrincipal - 1)))
                """, logger: q)
            var live = 0
            for try await n in try await db.query(
                "SELECT count(*) FROM mcp_sessions WHERE last_used >= \(now - idleSeconds)", logger: q).decode(Int.self) { live = n }
            guard live < maximumSessions else { return false }
            try await db.query("""
                INSERT INTO mcp_sessions (id, server, principal_id, caller, revision, upstream_id, last_used)
                VALUES (\(Self.digest(id)), \(server), \(principalID), \(Self.digest(caller)), \(revision), \(upstreamID), \(now))
                """, logger: q)
            return true
        }
    }

    /// The session `id` of `server` opened by `caller`, touched; nil when unknown, idle too long, or another's.
    public func session(id: String, server: String, caller: String, idleSeconds: Double) async throws -> Row? {
        let now = Date().timeIntervalSince1970
        let rows = try await database.query("""
            UPDATE mcp_sessions SET last_used = \(now)
            WHERE id = \(Self.digest(id)) AND server = \(server) AND caller = \(Self.digest(caller)) AND last_used >= \(now - idleSeconds)
            RETURNING server, principal_id, revision, upstream_id
            """, what: "mcp session lookup")
        guard let row = rows.first else { return nil }
        let (s, p, r, u) = try row.decode((String, String, String, String?).self)
        return Row(server: s, principalID: p, revision: r, upstreamID: u)
    }

    public func close(id: String) async throws {
        try await database.query("DELETE FROM mcp_sessions WHERE id = \(Self.digest(id))", what: "mcp session close")
    }

    public func expectAnswer(id: String, request: String) async throws {
        try await database.query("""
            INSERT INTO mcp_session_requests (id, request) SELECT id, \(request) FROM mcp_sessions WHERE id = \(Self.digest(id))
            ON CONFLICT DO NOTHING
            """, what: "mcp server request")
    }

    /// Consumes the open server request; false when there is none.
    public func takeAnswer(id: String, request: String) async throws -> Bool {
        try await !database.query(
            "DELETE FROM mcp_session_requests WHERE id = \(Self.digest(id)) AND request = \(request) RETURNING 1", what: "mcp client answer"
        ).isEmpty
    }

    private func purgeIfDue(now: Double, idleSeconds: Double) {
        let due = nextPurge.load(ordering: .relaxed)
        guard Int64(now) >= due, nextPurge.compareExchange(expected: due, desired: Int64(now) + 60, ordering: .relaxed).exchanged else { return }
        let database = self.database
        Task { try? await database.query("DELETE FROM mcp_sessions WHERE last_used < \(now - idleSeconds)", what: "mcp session purge") }
    }
}
