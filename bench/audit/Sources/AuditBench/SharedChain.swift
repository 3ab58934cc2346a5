import Audit
import Core
import Database
import Foundation
import Logging
import PostgresNIO

/// The shared chain's append rate: R replicas (each its own trail and connection pool, as separate gateway
/// processes would be) appending begin records to one PostgreSQL audit store, W concurrent writers each.
/// Every run gets a fresh database. Prints a Markdown table.
func sharedChainTable(dsn text: String, total: Int) async throws {
    let admin = try PostgresDSN(text)
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let config = DatabaseConfiguration(url: try SecretReference("env:UNUSED"), maxConnections: 8, queryTimeoutSeconds: 30)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shared-audit-bench-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try CheckpointSigner.generateKeyFile(at: dir + "/signing.key")
    let key = try SecretReference("file:\(dir)/signing.key")
    print("shared audit chain: \(total) begin records per run, PostgreSQL (synchronous_commit on, TLS), content hash")
    print("| replicas | writers per replica | records/s | begin p50 ms | begin p99 ms | records/commit |")
    print("|---:|---:|---:|---:|---:|---:|")
    for replicas in [1, 3] {
        for writers in [1, 16, 64] {
            let name = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let adminDB = try SharedDatabase(dsn: admin, configuration: config, replica: "admin", logger: logger)
            adminDB.start()
            try await adminDB.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), what: "create bench database")
            adminDB.close()
            var dsn = admin
            dsn.database = name
            var trails: [AuditTrail] = []
            var pools: [SharedDatabase] = []
            for r in 0..<replicas {
                let db = try SharedDatabase(dsn: dsn, configuration: config, replica: "r\(r)", logger: logger)
                db.start()
                pools.append(db)
                trails.append(try await AuditTrail.open(
                    configuration: AuditConfiguration(path: "/nonexistent/unused.sqlite", signingKey: key),
                    store: try await PostgresAuditStore(database: db, logger: logger), logger: logger))
            }
            let perWriter = max(1, total / (replicas * writers))
            let clock = ContinuousClock()
            let start = clock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for (r, trail) in trails.enumerated() {
                    for w in 0..<writers {
                        group.addTask {
                            var mine: [Double] = []
                            for i in 0..<perWriter {
                                var rec = AuditRecord(
                                    requestID: "r\(r)-w\(w)-\(i)", phase: .begin, action: "chat.completions",
                                    principal: AuditPrincipal(issuer: "https://idp.example", subject: "user\(i % 50)", kind: "user", groups: ["staff"]),
                                    clientIP: "10.1.2.3", modelRequested: "gpt-4o", decision: AuditDecision(effect: "allow", determiningPolicies: ["p1"]))
                                rec.requestBody = Array("{\"messages\":[\"summarise the quarterly report \(i)\"]}".utf8)
                                let t0 = clock.now
                                try await trail.begin(rec)
                                let d = clock.now - t0
                                mine.append(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
                            }
                            return mine
                        }
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all.sorted()
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            var records = 0, commits = 0
            for t in trails {
                let s = await t.currentStatistics()
                records += s.records
                commits += s.commits
                await t.close()
            }
            for p in pools { p.close() }
            print("| \(replicas) | \(writers) | " + String(format: "%.0f | %.3f | %.3f | %.1f |",
                Double(latencies.count) / seconds, percentile(latencies, 0.5), percentile(latencies, 0.99),
                Double(records) / Double(max(1, commits))))
        }
    }
    try? FileManager.default.removeItem(atPath: dir)
}
