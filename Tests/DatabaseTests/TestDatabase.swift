import Core
import Database
import Foundation
import PostgresNIO

/// The PostgreSQL server of the test run (`scripts/test` starts one and sets `PORTCULLIS_TEST_DATABASE_URL`;
/// the suites that need it are skipped — and `scripts/test` always sets it — when it is not set).
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["PORTCULLIS_TEST_DATABASE_URL"]
    static var available: Bool { url != nil }

    /// One administrative connection for the whole test run: `CREATE DATABASE`s run one at a time (concurrent ones
    /// contend on the template database), with a generous deadline (the suites run in parallel on a busy machine).
    static let admin: SharedDatabase? = {
        guard let url, let dsn = try? PostgresDSN(url), let ref = try? SecretReference("env:PORTCULLIS_TEST_DATABASE_URL") else { return nil }
        let db = try? SharedDatabase(
            dsn: dsn, configuration: DatabaseConfiguration(url: ref, maxConnections: 1, queryTimeoutSeconds: 120), replica: "admin")
        db?.start()
        return db
    }()

    /// A database of its own for one test (created fresh), and a client on it per replica name.
    static func fresh(replicas: [String] = ["r1"], timeout: Double = 30, leaseSeconds: Double = 30) async throws -> [SharedDatabase] {
        guard let url, let admin else { throw DatabaseUnavailable(reason: "PORTCULLIS_TEST_DATABASE_URL is not set") }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), what: "create test database")
        let config = DatabaseConfiguration(
            url: try SecretReference("env:PORTCULLIS_TEST_DATABASE_URL"), queryTimeoutSeconds: timeout, replicaLeaseSeconds: leaseSeconds)
        var dsn = try PostgresDSN(url)
        dsn.database = name
        return try replicas.map { replica in
            let db = try SharedDatabase(dsn: dsn, configuration: config, replica: replica)
            db.start()
            return db
        }
    }
}
