import Core
import Database
import Foundation
import PostgresNIO

/// The PostgreSQL server of the test run (`scripts/test` starts one and sets `PORTCULLIS_TEST_DATABASE_URL`;
/// the suites that need it are skipped — and `scripts/test` fails the run — when it is not set).
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["PORTCULLIS_TEST_DATABASE_URL"]
    static var available: Bool { url != nil }

    /// A database of its own for one test (created fresh), and a client on it named `replica`.
    static func fresh(replicas: [String] = ["r1"], timeout: Double = 5) async throws -> [SharedDatabase] {
        guard let url else { throw DatabaseUnavailable(reason: "PORTCULLIS_TEST_DATABASE_URL is not set") }
        let admin = try PostgresDSN(url)
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let config = DatabaseConfiguration(url: try SecretReference("env:PORTCULLIS_TEST_DATABASE_URL"), queryTimeoutSeconds: timeout)
        let adminDB = try SharedDatabase(dsn: admin, configuration: config, replica: "admin")
        adminDB.start()
        try await adminDB.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), what: "create test database")
        adminDB.close()
        var dsn = admin
        dsn.database = name
        return try replicas.map { replica in
            let db = try SharedDatabase(dsn: dsn, configuration: config, replica: replica)
            db.start()
            return db
        }
    }
}
