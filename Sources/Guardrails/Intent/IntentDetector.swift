import Core

/// Prompt injection, jailbreak and harmful-request detection for request messages: normalises each
/// message (`NormalisedText`), runs `IntentSignatures` over the normalised view on a Vectorscan
/// `Scanner`, and scores the view with the trained `IntentClassifier` against the role's threshold.
/// Weights and signatures are loaded and compiled once, in `init`. Findings report offsets in Unicode
/// scalars of the original text; classifier findings cover the whole text.
///
/// Response text is not handled here: exfiltration rules (`ExfiltrationDetector.rules`) run on the
/// engine's streaming response scanner.
public final class IntentDetector: Sendable {
    public let configuration: IntentConfiguration
    public let classifier: IntentClassifier
    let signatures: Scanner?

    /// Loads the weights (`weights_path` or the built-in ones) and compiles the signatures.
    public init(configuration: IntentConfiguration = IntentConfiguration()) throws {
        try configuration.validate()
        self.configuration = configuration
        let weights = try configuration.weightsPath.map { try IntentWeights(contentsOfFile: $0) } ?? .builtin
        classifier = try IntentClassifier(weights: weights)
        do {
            signatures = configuration.signatures
                ? try Scanner(rules: IntentSignatures.rules, direction: .request, streaming: false) : nil
        } catch {
            throw IntentError.signatures("intent signatures do not compile: \(error)")
        }
    }

    /// Findings for one message. Request direction only; an empty list for responses.
    public func detect(_ text: String, role: AIMessage.Role, direction: Finding.Direction) -> [Finding] {
        guard configuration.enabled, direction == .request, !text.isEmpty else { return [] }
        return analyse(text, role: role).findings
    }

    /// Findings plus the classifier's scores (for quality measurement and audit detail).
    public func analyse(_ text: String, role: AIMessage.Role) -> (findings: [Finding], scores: IntentScores) {
        let normalised = NormalisedText(text)
        let threshold = configuration.thresholds.threshold(for: role)
        var findings: [Finding] = []
        if let signatures {
            let contentRole = role == .user || role == .input || role == .tool
            for match in signatures.scan(normalised.text) where contentRole || match.score >= threshold {
                if role != .tool, match.detector.hasPrefix(IntentSignatures.toolOnlyPrefix) { continue }
                let range = normalised.originalRange(ofViewScalars: match.start..<match.end)
                findings.append(
                    Finding(
                        detector: match.detector, category: match.category, start: range.lowerBound,
                        end: range.upperBound, score: match.score, direction: .request))
            }
        }
        let scores = classifier.scores(normalised.text)
        let whole = normalised.originalCount
        if scores.attack >= threshold {
            let category = scores.jailbreak > scores.injection ? "jailbreak" : "injection"
            findings.append(
                Finding(
                    detector: "\(category).classifier", category: category, start: 0, end: whole,
                    score: scores.attack, direction: .request))
        }
        if role == .user || role == .input, scores.harmful >= configuration.harmfulThreshold {
            findings.append(
                Finding(
                    detector: "harmful.classifier", category: "harmful.\(scores.harmfulKind)", start: 0, end: whole,
                    score: scores.harmful, direction: .request))
        }
        return (findings, scores)
    }
}
