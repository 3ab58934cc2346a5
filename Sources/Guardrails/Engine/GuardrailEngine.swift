import Core

/// The data guardrails of the pipeline: inspect a request, enforce the policy's obligations on it, and
/// filter the answer (streamed or not). All patterns are compiled once, here.
public final class GuardrailEngine: Sendable {
    public let configuration: GuardrailsConfiguration
    let requestScanner: Scanner?
    let responseScanner: Scanner?
    let textDetectors: [any TextDetector]
    let profiles: [String: GuardrailProfile]
    let customDefaults: [String: GuardrailAction]

    /// Compiles the built-in catalogue, the configured custom detectors and `extraRules` (other guardrails'
    /// patterns) into one database per direction. Throws `ScannerError.compile` naming a bad rule.
    /// `directions` limits compilation to what a tool needs (the `scan` CLI compiles one direction; a
    /// direction not compiled scans to no pattern findings).
    public init(
        configuration: GuardrailsConfiguration, extraRules: [DetectorRule] = [], textDetectors: [any TextDetector] = [],
        directions: Set<Finding.Direction> = [.request, .response]
    ) throws {
        self.configuration = configuration
        let disabled = configuration.disabledDetectors
        let builtIn = DataCatalogue.all.filter { rule in
            !disabled.contains(where: { rule.id.isCategory(within: $0) || rule.category.isCategory(within: $0) })
        }
        let rules = builtIn + configuration.customDetectors.map(\.rule) + extraRules
        requestScanner = directions.contains(.request)
            ? try Scanner(
                rules: rules, direction: .request, streaming: false, minimumScore: configuration.scoreThreshold,
                normalises: true)
            : nil
        responseScanner = directions.contains(.response)
            ? try Scanner(
                rules: rules + [DataCatalogue.placeholder], direction: .response, streaming: true,
                minimumScore: configuration.scoreThreshold, normalises: true)
            : nil
        self.textDetectors = textDetectors
        profiles = configuration.allProfiles
        customDefaults = Dictionary(
            configuration.customDetectors.map { ($0.category, $0.action) }, uniquingKeysWith: { a, b in max(a, b) })
    }

    /// Bytes a streamed answer is held back before release (longest match plus validator context).
    public var responseHoldBack: Int { responseScanner?.holdBack ?? 0 }

    /// Findings in every message of `request` (direction `.request`, `messageIndex` set).
    public func inspect(_ request: AIRequest) -> [Finding] {
        var findings: [Finding] = []
        for (index, message) in request.messages.enumerated() {
            for var finding in scan(message.text, direction: .request, role: message.role) {
                finding.messageIndex = index
                findings.append(finding)
            }
        }
        return findings
    }

    /// Category of the finding that says a text could not be scanned (Vectorscan failed): `enforce` then
    /// refuses the request as a control that cannot run, whatever the policy says.
    public static let unavailableCategory = "guardrail.unavailable"

    /// Findings in one text: pattern rules (scored at or above the threshold) and text detectors. When the
    /// scan itself fails, one `unavailableCategory` finding covers the text.
    public func scan(_ text: String, direction: Finding.Direction, role: AIMessage.Role = .user) -> [Finding] {
        let scanner = direction == .request ? requestScanner : responseScanner
        let threshold = configuration.scoreThreshold
        var findings: [Finding] = []
        guard let candidates = scanner.map({ $0.checkedCandidates(text) }) ?? [] else {
            return [
                Finding(
                    detector: "guardrails.scan", category: Self.unavailableCategory, start: 0, end: text.unicodeScalars.count,
                    score: 1, direction: direction)
            ]
        }
        for match in ScanMatch.deduplicated(candidates.filter { $0.score >= threshold })
        where match.category != DataCatalogue.placeholderCategory {
            findings.append(
                Finding(
                    detector: match.detector, category: match.category, start: match.start, end: match.end,
                    score: match.score, direction: direction))
        }
        for detector in textDetectors {
            findings += detector.detect(text, role: role, direction: direction)
        }
        return findings
    }

    /// The text detectors' findings alone (injection, jailbreak, harmful requests), reading `text` as input to a
    /// model in `role`: for text that is not a message of a request but will become one, such as an MCP tool's
    /// result (role `.tool`) or description.
    public func detectIntent(_ text: String, role: AIMessage.Role) -> [Finding] {
        textDetectors.flatMap { $0.detect(text, role: role, direction: .request) }
    }

    /// The action `obligations` (and the profile they select) give `category` in `direction`.
    public func action(for category: String, direction: Finding.Direction, obligations: Obligations = .none) -> GuardrailAction {
        actionPolicy(obligations).action(for: category, direction: direction)
    }

    func actionPolicy(_ obligations: Obligations) -> ActionPolicy {
        let name = obligations.guardrailProfile?.name ?? configuration.defaultProfile
        let profile = profiles[name] ?? profiles[configuration.defaultProfile] ?? GuardrailProfile.builtIn["standard"]!
        return ActionPolicy(profile: profile, obligations: obligations, customDefaults: customDefaults)
    }

    /// Applies the actions to `request`: blocks, or rewrites the covered text (in `messages[i].text` and
    /// in `body` at `messages[i].location`) with placeholders, pseudonymised ones recorded in the vault.
    /// A text whose location does not lead to that string in the body blocks (nothing unredacted leaves).
    public func enforce(_ request: AIRequest, findings: [Finding], obligations: Obligations) -> RequestVerdict {
        if findings.contains(where: { $0.category == Self.unavailableCategory }) { return .unavailable }
        let policy = actionPolicy(obligations)
        let decided = findings.filter { $0.direction == .request }.map { ($0, policy.action(for: $0.category, direction: .request)) }
        if let worst = decided.filter({ $0.1 == .block }).max(by: { $0.0.score < $1.0.score }) {
            return .block(category: worst.0.category, finding: worst.0)
        }
        let vault = PseudonymVault()
        var rewritten = request
        for index in request.messages.indices {
            let edits = decided.filter { $0.0.messageIndex == index && ($0.1 == .redact || $0.1 == .pseudonymise) }
            guard !edits.isEmpty else { continue }
            let original = request.messages[index].text
            let text = TextRewriter.replace(in: original, spans: edits.map { ($0.0.start, $0.0.end, $0.0.category, $0.1) }) {
                value, category, action in
                vault.placeholder(for: value, category: category, reversible: action == .pseudonymise)
            }
            rewritten.messages[index].text = text
            // Fail closed: a value that cannot be replaced where it sits must not be forwarded.
            guard case .string? = rewritten.body.value(at: request.messages[index].location),
                rewritten.body.replace(at: request.messages[index].location, with: .string(text))
            else {
                return .block(category: edits[0].0.category, finding: edits[0].0)
            }
        }
        return .forward(rewritten, vault)
    }

    /// Whether answers may be rewritten or stopped under `obligations` (any response-direction action of
    /// `redact` or `block`): then nothing that mirrors answer text (token logprobs) may reach the caller.
    public func rewritesAnswers(obligations: Obligations) -> Bool {
        if !obligations.redact.isEmpty { return true }
        let policy = actionPolicy(obligations)
        if policy.profile.response.values.contains(where: { $0 >= .redact }) { return true }
        return customDefaults.values.contains { $0 >= .redact }
    }

    /// A filter for one answer: feed it the text as it arrives, emit what it releases.
    public func makeAnswerFilter(obligations: Obligations, vault: PseudonymVault) -> AnswerFilter {
        precondition(responseScanner != nil, "GuardrailEngine built without the response direction")
        return AnswerFilter(
            scanner: responseScanner!, policy: actionPolicy(obligations), threshold: configuration.scoreThreshold,
            vault: vault)
    }
}
