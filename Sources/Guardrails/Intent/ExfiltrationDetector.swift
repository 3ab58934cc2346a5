import Core

/// Exfiltration through model output: markdown/HTML images and links whose URL carries data to a host
/// not on the allow-list, configured canary strings (planted in system prompts) appearing in output,
/// and instructions to the user to run commands or visit URLs. All checks are bounded `DetectorRule`s
/// (response direction), so the engine's streaming scanner finds them across chunks with a bounded
/// hold-back; `detect` scans one complete text. Category `exfiltration`.
public struct ExfiltrationDetector: Sendable {
    /// The rules, for the engine's response scanner (`GuardrailEngine(extraRules:)`).
    public let rules: [DetectorRule]
    private let scanner: Scanner

    public init(configuration: IntentConfiguration = IntentConfiguration()) throws {
        rules = ExfiltrationRules.make(configuration)
        do {
            scanner = try Scanner(rules: rules, direction: .response, streaming: false)
        } catch {
            throw IntentError.signatures("exfiltration rules do not compile: \(error)")
        }
    }

    /// Findings in a complete response text (scalar offsets).
    public func detect(_ text: String) -> [Finding] {
        scanner.scan(text).map {
            Finding(
                detector: $0.detector, category: $0.category, start: $0.start, end: $0.end, score: $0.score,
                direction: .response)
        }
    }
}
