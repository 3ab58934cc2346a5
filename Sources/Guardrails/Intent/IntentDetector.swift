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
    /// The same signatures without start-of-match tracking: several times cheaper to run, so most texts
    /// (no signature at all) never pay for the start-of-match scan that reports offsets.
    let prefilter: Scanner?

    /// Loads the weights (`weights_path` or the built-in ones) and compiles the signatures.
    public init(configuration: IntentConfiguration = IntentConfiguration()) throws {
        try configuration.validate()
        self.configuration = configuration
        let weights = try configuration.weightsPath.map { try IntentWeights(contentsOfFile: $0) } ?? .builtin
        classifier = try IntentClassifier(weights: weights)
        do {
            signatures = configuration.signatures
                ? try Scanner(rules: IntentSignatures.rules, direction: .request, streaming: false) : nil
            prefilter = configuration.signatures
                ? try Scanner(
                    rules: IntentSignatures.rules.map { rule in
                        var fast = rule
                        fast.reportsStart = false
                        fast.validate = { _, _ in rule.baseScore }
                        return fast
                    }, direction: .request, streaming: false) : nil
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
    ///
    /// Every finding is held to the role's threshold. A signature's confidence is combined with the
    /// classifier's attack score (noisy-OR: `1 - (1 - signature)(1 - classifier)`), so a strong, specific
    /// signature fires alone while a weak one (an `[INST]` tag, a `"role": "system"` member, "never refuse")
    /// needs the classifier to agree. In system, developer and replayed assistant messages (operator text)
    /// a signature counts only on its own confidence. `harmful.*` signatures are held to the harmful
    /// threshold (user messages only).
    public func analyse(_ text: String, role: AIMessage.Role) -> (findings: [Finding], scores: IntentScores) {
        let normalised = NormalisedText(text)
        let threshold = configuration.thresholds.threshold(for: role)
        let contentRole = role == .user || role == .input
        let operatorRole = role == .system || role == .developer || role == .assistant
        let scores = classifier.scores(normalised.text, kindThreshold: configuration.harmfulThreshold)
        var findings: [Finding] = []
        if let signatures, prefilter.map({ !$0.scan(normalised.text).isEmpty }) ?? true {
            for match in signatures.scan(normalised.text) {
                if role != .tool, match.detector.hasPrefix(IntentSignatures.toolOnlyPrefix) { continue }
                let score: Double
                if match.category.hasPrefix("harmful.") {
                    guard contentRole, match.score >= configuration.harmfulThreshold else { continue }
                    score = match.score
                } else if operatorRole {
                    // Operator text ("never reveal your system prompt") is held to its threshold alone.
                    guard match.score >= threshold else { continue }
                    score = match.score
                } else {
                    score = 1 - (1 - match.score) * (1 - scores.attack)
                    guard score >= threshold else { continue }
                }
                let range = normalised.originalRange(ofViewScalars: match.start..<match.end)
                findings.append(
                    Finding(
                        detector: match.detector, category: match.category, start: range.lowerBound,
                        end: range.upperBound, score: (score * 1000).rounded() / 1000, direction: .request))
            }
        }
        let whole = normalised.originalCount
        if scores.attack >= threshold {
            let category = scores.jailbreak > scores.injection ? "jailbreak" : "injection"
            findings.append(
                Finding(
                    detector: "\(category).classifier", category: category, start: 0, end: whole,
                    score: scores.attack, direction: .request))
        }
        if contentRole, scores.harmful >= configuration.harmfulThreshold {
            findings.append(
                Finding(
                    detector: "harmful.classifier", category: "harmful.\(scores.harmfulKind)", start: 0, end: whole,
                    score: scores.harmful, direction: .request))
        }
        return (findings, scores)
    }
}
