import Audit
import Core
import Foundation
import Logging

// Benchmark of the audit trail's write path: how many records per second the SQLite store sustains with
// group commit (WAL, synchronous=FULL, one fsync per commit) and how long a `begin` makes a request wait.
// Run: swift run -c release AuditBench [records-per-run]   (writes under ./bench-data on the real disk)

if CommandLine.arguments.contains("--pieces") { try measurePieces(20000); exit(0) }
let total = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
if let i = CommandLine.arguments.firstIndex(of: "--postgres"), i + 1 < CommandLine.arguments.count {
    try await sharedChainTable(dsn: CommandLine.arguments[i + 1], total: total)
    exit(0)
}
let base = FileManager.default.currentDirectoryPath + "/bench-data"
try? FileManager.default.removeItem(atPath: base)

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

struct Row {
    var mode: String, writers: Int, recordsPerSecond: Double, p50: Double, p99: Double, perCommit: Double
}

/// Discards what it is given: isolates the trail's own CPU cost (encoding, hashing, sealing) from SQLite.
final class DiscardingStore: AuditStore {
    func append(_ records: [StoredRecord], checkpoint: SignedCheckpoint?) async throws {}
    func saveCheckpoint(_ checkpoint: SignedCheckpoint) async throws {}
    func recordHashes(after: Int, limit: Int) async throws -> [[UInt8]] { [] }
    func records(after: Int, limit: Int) async throws -> [StoredRecord] { [] }
    func records(trailID: String) async throws -> [StoredRecord] { [] }
    func records(requestID: String) async throws -> [StoredRecord] { [] }
    func openBegins() async throws -> [StoredRecord] { [] }
    func checkpoints() async throws -> [SignedCheckpoint] { [] }
    func latestCheckpoint() async throws -> SignedCheckpoint? { nil }
    func subjectKey(subject: String) async throws -> WrappedSubjectKey? { nil }
    func subjectKey(id: String) async throws -> WrappedSubjectKey? { nil }
    func insertSubjectKey(_ key: WrappedSubjectKey) async throws -> WrappedSubjectKey { key }
    func deleteSubjectKeys(subjects: [String]) async throws -> Int { 0 }
    func removeContent(before cutoff: String) async throws -> Int { 0 }
    func removeContent(sequences: [Int], reason: String) async throws -> Int { 0 }
    func records(subject: String) async throws -> [StoredRecord] { [] }
    func metadata(_ key: String) async throws -> String? { nil }
    func setMetadata(_ key: String, _ value: String) async throws {}
    func claimLease(_ name: String, holder: String, seconds: Double) async throws -> Bool { true }
    func ping() async throws {}
    func close() async throws {}
}

func run(writers: Int, content: ContentMode, discard: Bool = false) async throws -> Row {
    let dir = "\(base)/\(content.rawValue)-\(writers)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try CheckpointSigner.generateKeyFile(at: dir + "/signing.key")
    var config = AuditConfiguration(path: dir + "/audit.sqlite", content: content, signingKey: try SecretReference("file:\(dir)/signing.key"))
    if content == .encrypted {
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try key.write(toFile: dir + "/content.key", atomically: true, encoding: .utf8)
        config.contentKey = try SecretReference("file:\(dir)/content.key")
    }
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let trail = discard
        ? try await AuditTrail.open(configuration: config, store: DiscardingStore(), logger: logger)
        : try await AuditTrail.open(configuration: config, logger: logger)
    let body = Array(String(repeating: "{\"role\":\"user\",\"content\":\"summarise the quarterly report\"}", count: 20).utf8)
    let perWriter = total / writers
    let clock = ContinuousClock()
    let start = clock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for w in 0..<writers {
            group.addTask {
                var mine: [Double] = []
                mine.reserveCapacity(perWriter)
                for i in 0..<perWriter {
                    var r = AuditRecord(
                        requestID: "w\(w)-\(i)", phase: .begin, action: "chat.completions",
                        principal: AuditPrincipal(issuer: "https://idp.example", subject: "user\(i % 50)", kind: "user", groups: ["staff"]),
                        clientIP: "10.1.2.3", modelRequested: "gpt-4o", decision: AuditDecision(effect: "allow", determiningPolicies: ["p1"]))
                    r.requestBody = body
                    let t0 = clock.now
                    try await trail.begin(r)
                    let d = clock.now - t0
                    mine.append(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
                }
                return mine
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all.sorted()
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let stats = await trail.currentStatistics()
    await trail.close()
    return Row(
        mode: content.rawValue + (discard ? " (no store)" : ""), writers: writers, recordsPerSecond: Double(latencies.count) / seconds,
        p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99),
        perCommit: Double(stats.records) / Double(max(1, stats.commits)))
}

print("audit trail write path: \(total) begin records per run, SQLite WAL, synchronous=FULL")
print("| content | writers | records/s | begin p50 ms | begin p99 ms | records/commit |")
print("|---|---:|---:|---:|---:|---:|")
for content in [ContentMode.hash, .encrypted] {
    for writers in [1, 16, 64] {
        let r = try await run(writers: writers, content: content)
        print("| \(r.mode) | \(r.writers) | " + String(format: "%.0f | %.3f | %.3f | %.1f |", r.recordsPerSecond, r.p50, r.p99, r.perCommit))
    }
}
for writers in [1, 64] {
    let r = try await run(writers: writers, content: .hash, discard: true)
    print("| \(r.mode) | \(r.writers) | " + String(format: "%.0f | %.3f | %.3f | %.1f |", r.recordsPerSecond, r.p50, r.p99, r.perCommit))
}
try? FileManager.default.removeItem(atPath: base)
