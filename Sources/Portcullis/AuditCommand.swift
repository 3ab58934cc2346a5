import ArgumentParser
import Audit
import Core
import Foundation

/// `portcullis audit …`: check, export and maintain the audit trail. The logic lives in
/// `Audit.AuditCommandLine`; this file only parses arguments.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify, export and maintain the tamper-evident audit trail.",
        subcommands: [Verify.self, Export.self, Show.self, Prove.self, Consistency.self, Erase.self, Retain.self, Probe.self])

    struct Database: ParsableArguments {
        @Option(name: .customLong("db"), help: "The SQLite audit database (audit.path in portcullis.yaml).")
        var path: String = "data/audit.sqlite"
        @Option(name: .customLong("database"), help: "The shared PostgreSQL audit store instead: postgres://… or env:NAME / file:/path naming one.")
        var shared: String?

        /// What the audit command line opens.
        var db: String { shared ?? path }
    }

    static let out: AuditCommandLine.Output = { print($0) }
    static let err: AuditCommandLine.Output = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    static func finish(_ code: Int32) throws {
        if code != 0 { throw ExitCode(code) }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check chain, columns, content digests, Merkle roots and checkpoint signatures; exit 1 naming the first bad record.")
        @OptionGroup var database: Database
        @Option(name: .customLong("public-key"), help: "File with the verifier key(s) you trust (GET /audit/public-key).")
        var publicKey: String?
        @Option(name: .customLong("checkpoint"), help: "A checkpoint note kept outside the database (repeatable).")
        var checkpoints: [String] = []

        func run() async throws {
            try AuditCommand.finish(await AuditCommandLine.verify(
                db: database.db, publicKeyFile: publicKey, checkpointFiles: checkpoints, out: AuditCommand.out, err: AuditCommand.err))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export records as JSON lines or OCSF API Activity events.")
        @OptionGroup var database: Database
        @Option(help: "jsonl (records as hashed) or ocsf (class 6003, one event per finished request).")
        var format: String = "jsonl"
        @Option(help: "Only records at or after this time (RFC 3339 or YYYY-MM-DD, UTC).") var since: String?
        @Option(help: "Only records before this time.") var until: String?
        @Option(help: "Only this subject (or issuer#subject).") var principal: String?

        func run() async throws {
            guard let f = AuditCommandLine.ExportFormat(rawValue: format) else {
                throw ValidationError("--format must be jsonl or ocsf")
            }
            let s = try since.map { try AuditCommand.time($0, "--since") }
            let u = try until.map { try AuditCommand.time($0, "--until") }
            try AuditCommand.finish(await AuditCommandLine.export(
                db: database.db, format: f, since: s, until: u, principal: principal, out: AuditCommand.out, err: AuditCommand.err))
        }
    }

    static func time(_ s: String, _ name: String) throws -> Date {
        guard let d = AuditCommandLine.parseTime(s) else { throw ValidationError("\(name): expected RFC 3339 time or YYYY-MM-DD") }
        return d
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the records of one request (by trail id or request id).")
        @OptionGroup var database: Database
        @Argument(help: "The trail id, or the request id (x-request-id) the caller sent: every trail that used it.") var id: String
        @Option(name: .customLong("content-key"), help: "Master content key reference (env:NAME or file:/path) to decrypt bodies.")
        var contentKey: String?

        func run() async throws {
            let key = try contentKey.map { try SecretReference($0) }
            try AuditCommand.finish(await AuditCommandLine.show(
                db: database.db, id: id, contentKey: key, out: AuditCommand.out, err: AuditCommand.err))
        }
    }

    struct Prove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the Merkle inclusion proof of a record in the latest checkpoint.")
        @OptionGroup var database: Database
        @Argument(help: "The record's sequence number.") var sequence: Int

        func run() async throws {
            try AuditCommand.finish(await AuditCommandLine.prove(
                db: database.db, sequence: sequence, out: AuditCommand.out, err: AuditCommand.err))
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the proof that the log at a later checkpoint extends an earlier one (append-only).")
        @OptionGroup var database: Database
        @Option(help: "Tree size of the earlier checkpoint.") var old: Int
        @Option(help: "Tree size of the later checkpoint (default: the latest).") var new: Int?

        func run() async throws {
            try AuditCommand.finish(await AuditCommandLine.consistency(
                db: database.db, oldSize: old, newSize: new, out: AuditCommand.out, err: AuditCommand.err))
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crypto-shred a subject's content: destroy their content key, remove their redacted bodies. Verify still passes.")
        @OptionGroup var database: Database
        @Option(help: "The subject (sub claim) to erase.") var subject: String
        @Option(help: "The subject's issuer (iss); required when the subject appears at several issuers.") var issuer: String?

        func run() async throws {
            try AuditCommand.finish(await AuditCommandLine.erase(
                db: database.db, subject: subject, issuer: issuer, out: AuditCommand.out, err: AuditCommand.err))
        }
    }

    struct Retain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove stored content older than N days, keeping the hashed skeleton.")
        @OptionGroup var database: Database
        @Option(help: "Keep content of the last N days.") var days: Int

        func run() async throws {
            try AuditCommand.finish(await AuditCommandLine.retain(
                db: database.db, days: days, out: AuditCommand.out, err: AuditCommand.err))
        }
    }

    /// Hidden: drives the trail like the gateway does, for tests/audit/crash_probe.sh (SIGKILL tests
    /// without the HTTP stack). Prints a request id to stdout only after its end/complete record returned.
    /// Every request has its own trail id; the request ids are unique too, so the check can join on them.
    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(shouldDisplay: false)
        @OptionGroup var database: Database
        @Option(name: .customLong("signing-key")) var signingKey: String
        @Option(help: "Concurrent writers; 0 opens (closing open begins as aborted) and exits.") var workers: Int = 16

        func run() async throws {
            let config = AuditConfiguration(
                path: database.db, checkpointEveryRecords: 200, checkpointEverySeconds: 0.5,
                signingKey: try SecretReference("file:" + signingKey))
            let trail = try await AuditTrail.open(configuration: config)
            AuditCommand.err("ready")
            if workers == 0 {
                await trail.close()
                return
            }
            let run = UUID().uuidString.prefix(8)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<workers {
                    group.addTask { try await Self.work(trail, id: "probe-\(run)-\(w)") }
                }
                try await group.waitForAll()
            }
        }

        static func work(_ trail: AuditTrail, id prefix: String) async throws {
            var n = 0
            while true {
                n += 1
                let id = "\(prefix)-\(n)"
                var r = AuditRecord(
                    requestID: id, phase: .begin, action: "chat.completions",
                    principal: AuditPrincipal(issuer: "https://idp.example", subject: prefix, kind: "user"))
                r.requestBody = Array("hello \(id)".utf8)
                if n % 5 == 0 {
                    r.outcome = .refusedPolicy
                    r.status = 403
                    try await trail.complete(r)
                } else {
                    try await trail.begin(r)
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))  // the provider call
                    r.outcome = .allowed
                    r.status = 200
                    r.responseBody = Array("answer".utf8)
                    try await trail.end(r)
                }
                FileHandle.standardOutput.write(Data("{\"request_id\":\"\(id)\",\"status\":\(r.status ?? 0)}\n".utf8))
            }
        }
    }
}
