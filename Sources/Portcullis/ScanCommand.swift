import ArgumentParser
import Core
import Foundation
import Guardrails

/// `portcullis scan [--config FILE] [--direction request|response]`: JSONL in on stdin, findings out on
/// stdout (DESIGN.md contract). The work is `Guardrails.ScanRunner`.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan JSONL {\"id\",\"text\"[,\"role\"]} from stdin for PII, secrets and other findings.")

    @Option(name: .long, help: "Configuration file (its guardrails section is used).")
    var config: String?

    @Option(name: .long, help: "request or response.")
    var direction: String = "request"

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int?

    func run() async throws {
        guard let direction = Finding.Direction(rawValue: direction) else {
            throw ValidationError("--direction must be 'request' or 'response'")
        }
        let configuration = try config.map(Self.loadGuardrails) ?? GuardrailsConfiguration()
        let engine = try GuardrailEngine(configuration: configuration, directions: [direction])
        let code = ScanRunner.run(
            input: FileHandle.standardInput, output: FileHandle.standardOutput, engine: engine, direction: direction,
            threads: threads)
        if code != 0 { throw ExitCode(code) }
    }

    /// Reads the `guardrails` section of a configuration file. JSON files are decoded here; for YAML the
    /// gateway's configuration loader is the one to call (LEAD: replace this body with it).
    static func loadGuardrails(_ path: String) throws -> GuardrailsConfiguration {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        struct File: Decodable { var guardrails: GuardrailsConfiguration? }
        if let file = try? JSONDecoder().decode(File.self, from: data), let guardrails = file.guardrails {
            return guardrails
        }
        return try JSONDecoder().decode(GuardrailsConfiguration.self, from: data)
    }
}
