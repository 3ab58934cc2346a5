import ArgumentParser
import Core
import Foundation
import Guardrails

#if canImport(Gateway)
import Gateway
#endif

/// `portcullis scan [--config FILE] [--direction request|response]`: JSONL in on stdin, findings out on
/// stdout (DESIGN.md contract). Runs the same guardrails as the gateway: the data catalogue, custom
/// detectors and, when the intent guardrail is enabled (the default), its detector and exfiltration rules.
/// The work is `Guardrails.ScanRunner`.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan JSONL {\"id\",\"text\"[,\"role\"]} from stdin for PII, secrets and other findings.")

    @Option(name: .long, help: "Gateway configuration file (portcullis.yaml); its guardrails and intent sections are used.")
    var config: String?

    @Option(name: .long, help: "request or response.")
    var direction: String = "request"

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int?

    @Option(name: .long, help: "all (default) or data: PII, secrets and custom detectors only, without the intent guardrail.")
    var detectors: String = "all"

    @Flag(name: .customLong("intent-benchmark"), help: .hidden)
    var intentBenchmark = false

    func run() async throws {
        if intentBenchmark {  // bench/intent.sh: the intent latency table (release builds)
            print(try IntentBenchmark.run())
            return
        }
        guard let direction = Finding.Direction(rawValue: direction) else {
            throw ValidationError("--direction must be 'request' or 'response'")
        }
        let (guardrails, intent) = try config.map(Self.load) ?? (GuardrailsConfiguration(), IntentConfiguration())
        var textDetectors: [any TextDetector] = []
        var rules: [DetectorRule] = []
        guard detectors == "all" || detectors == "data" else {
            throw ValidationError("--detectors must be 'all' or 'data'")
        }
        if intent.enabled, detectors == "all" {
            textDetectors.append(try IntentDetector(configuration: intent))
            rules += try ExfiltrationDetector(configuration: intent).rules
        }
        let engine = try GuardrailEngine(
            configuration: guardrails, extraRules: rules, textDetectors: textDetectors, directions: [direction])
        let code = ScanRunner.run(
            input: FileHandle.standardInput, output: FileHandle.standardOutput, engine: engine, direction: direction,
            threads: threads)
        if code != 0 { throw ExitCode(code) }
    }

    /// The guardrails and intent sections of the configuration file.
    static func load(_ path: String) throws -> (GuardrailsConfiguration, IntentConfiguration) {
        #if canImport(Gateway)
        let file = try GatewayConfiguration.load(path: path)
        return (file.guardrails, file.intent)
        #else
        // Development build without the Gateway module: a JSON file with a `guardrails` object.
        struct File: Decodable {
            var guardrails: GuardrailsConfiguration?
            var intent: IntentConfiguration?
        }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        return (file.guardrails ?? GuardrailsConfiguration(), file.intent ?? IntentConfiguration())
        #endif
    }
}
