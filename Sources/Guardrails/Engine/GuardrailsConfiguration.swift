import Core

/// The `guardrails:` section of `portcullis.yaml`.
///
/// ```yaml
/// guardrails:
///   default_profile: standard
///   score_threshold: 0.5
///   disabled_detectors: [pii.phone.grouped]
///   profiles:
///     strict: { request: { "*": flag, pii: redact, secret: block }, response: { pii: redact } }
///   custom_detectors:
///     - { name: project_codename, keywords: [BLUEBIRD, NIGHTJAR], action: block }
///     - { name: employee_id, pattern: "EMP-[0-9]{6}", action: redact, directions: [request] }
/// ```
public struct GuardrailsConfiguration: Codable, Sendable, Hashable {
    /// Profile used when the policy names none (or an unknown one).
    public var defaultProfile: String
    /// Findings scoring below this are dropped (0...1).
    public var scoreThreshold: Double
    /// Profiles by name, replacing built-ins of the same name (`off`, `permissive`, `standard`, `strict`).
    public var profiles: [String: GuardrailProfile]
    public var customDetectors: [CustomDetector]
    /// Rule ids (`pii.phone.grouped`) or category prefixes (`pii.passport`) to leave out.
    public var disabledDetectors: [String]

    public init(
        defaultProfile: String = "standard", scoreThreshold: Double = 0.5, profiles: [String: GuardrailProfile] = [:],
        customDetectors: [CustomDetector] = [], disabledDetectors: [String] = []
    ) {
        self.defaultProfile = defaultProfile
        self.scoreThreshold = scoreThreshold
        self.profiles = profiles
        self.customDetectors = customDetectors
        self.disabledDetectors = disabledDetectors
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case defaultProfile = "default_profile"
        case scoreThreshold = "score_threshold"
        case profiles
        case customDetectors = "custom_detectors"
        case disabledDetectors = "disabled_detectors"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaultProfile = try c.decodeIfPresent(String.self, forKey: .defaultProfile) ?? "standard"
        scoreThreshold = try c.decodeIfPresent(Double.self, forKey: .scoreThreshold) ?? 0.5
        profiles = try c.decodeIfPresent([String: GuardrailProfile].self, forKey: .profiles) ?? [:]
        customDetectors = try c.decodeIfPresent([CustomDetector].self, forKey: .customDetectors) ?? []
        disabledDetectors = try c.decodeIfPresent([String].self, forKey: .disabledDetectors) ?? []
        guard (0...1).contains(scoreThreshold) else {
            throw DecodingError.dataCorruptedError(forKey: .scoreThreshold, in: c, debugDescription: "expected a number from 0 to 1")
        }
        guard allProfiles[defaultProfile] != nil else {
            throw DecodingError.dataCorruptedError(
                forKey: .defaultProfile, in: c,
                debugDescription: "unknown profile '\(defaultProfile)'; known: \(allProfiles.keys.sorted().joined(separator: ", "))")
        }
    }

    /// Built-in profiles overlaid with configured ones.
    public var allProfiles: [String: GuardrailProfile] {
        GuardrailProfile.builtIn.merging(profiles) { _, configured in configured }
    }
}

/// A detector defined in configuration: a regular expression (Vectorscan syntax) or a keyword list.
public struct CustomDetector: Codable, Sendable, Hashable {
    /// Category becomes `custom.<name>`.
    public var name: String
    public var pattern: String?
    public var keywords: [String]?
    /// Case-insensitive; default true for keywords, false for patterns.
    public var caseless: Bool?
    /// Action when no profile names `custom.<name>` (default `flag`).
    public var action: GuardrailAction
    public var directions: [Finding.Direction]
    public var score: Double

    public init(
        name: String, pattern: String? = nil, keywords: [String]? = nil, caseless: Bool? = nil,
        action: GuardrailAction = .flag, directions: [Finding.Direction] = [.request, .response], score: Double = 0.9
    ) {
        self.name = name
        self.pattern = pattern
        self.keywords = keywords
        self.caseless = caseless
        self.action = action
        self.directions = directions
        self.score = score
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, pattern, keywords, caseless, action, directions, score
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords)
        caseless = try c.decodeIfPresent(Bool.self, forKey: .caseless)
        action = try c.decodeIfPresent(GuardrailAction.self, forKey: .action) ?? .flag
        directions = try c.decodeIfPresent([Finding.Direction].self, forKey: .directions) ?? [.request, .response]
        score = try c.decodeIfPresent(Double.self, forKey: .score) ?? 0.9
        guard (pattern == nil) != (keywords == nil), keywords?.isEmpty != true else {
            throw DecodingError.dataCorruptedError(forKey: .pattern, in: c, debugDescription: "give exactly one of 'pattern' or a non-empty 'keywords'")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "expected letters, digits, '_' or '-'")
        }
    }

    public var category: String { "custom.\(name)" }

    /// The rule compiled into the shared database.
    public var rule: DetectorRule {
        let expression: String
        if let keywords {
            expression = keywords.map(Self.escape).joined(separator: "|")
        } else {
            expression = pattern ?? ""
        }
        let score = self.score
        return DetectorRule(
            id: category, category: category, pattern: expression, caseless: caseless ?? (keywords != nil),
            directions: Set(directions), baseScore: score, validate: { _, _ in score }
        ).with { $0.isolated = keywords != nil }
    }

    /// Escapes a literal for a Vectorscan expression.
    static func escape(_ literal: String) -> String {
        var out = ""
        for scalar in literal.unicodeScalars {
            if scalar.isASCII, !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == " ") {
                out += "\\x" + Hex.encode([UInt8(scalar.value)])
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
