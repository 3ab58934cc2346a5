import PostgresNIO

/// One step of a component's schema. Steps are applied in order, once, each in its own transaction, and
/// recorded in `portcullis_schema (component, version)`; replicas starting together serialise on an advisory
/// lock, so a step never runs twice. A replica finding a newer schema than it knows refuses to start.
public struct SchemaStep: Sendable {
    public let version: Int
    public let statements: [String]
    public init(version: Int, _ statements: [String]) {
        self.version = version
        self.statements = statements
    }
}

extension SharedDatabase {
    /// Applies the steps of `component` not applied yet. Fails (and the gateway does not start) when the
    /// database is unreachable or holds a newer schema for the component.
    public func migrate(component: String, _ steps: [SchemaStep]) async throws {
        let known = steps.map(\.version).max() ?? 0
        try await transaction(what: "migrate \(component)") { db in
            // Transaction-scoped: released at COMMIT or ROLLBACK. One lock for all components keeps it simple.
            try await db.query("SELECT pg_advisory_xact_lock(7372836451)", logger: self.logger)
            try await db.query(
                "CREATE TABLE IF NOT EXISTS portcullis_schema (component text NOT NULL, version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))",
                logger: self.logger)
            var applied = 0
            for try await v in try await db.query("SELECT COALESCE(max(version), 0) FROM portcullis_schema WHERE component = \(component)", logger: self.logger).decode(Int.self) {
                applied = v
            }
            guard applied <= known else {
                throw DatabaseUnavailable(reason: "the \(component) schema is at version \(applied), newer than this gateway knows (\(known)); upgrade the gateway")
            }
            for step in steps where step.version > applied {
                for sql in step.statements { try await db.query(PostgresQuery(unsafeSQL: sql), logger: self.logger) }
                try await db.query("INSERT INTO portcullis_schema (component, version) VALUES (\(component), \(step.version))", logger: self.logger)
            }
        }
    }
}
