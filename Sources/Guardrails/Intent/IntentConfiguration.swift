import Core

/// Configuration of the intent guardrails (`guardrails.intent` in `portcullis.yaml`):
///
/// ```yaml
/// intent:
///   enabled: true
///   weights_path: /etc/portcullis/intent-weights.bin   # optional; built-in weights otherwise
///   signatures: true
///   thresholds: { system: 0.995, user: 0.85, tool: 0.55, assistant: 0.995 }
///   harmful_threshold: 0.9
///   canaries: ["c4n4ry-7f3a9"]
///   link_allow_list: ["docs.example.com", "*.example.org"]
///   flag_instructions: true
///   judge: { url: "http://127.0.0.1:8000/v1/moderations", kind: moderation, timeout_ms: 800, fail: closed }
/// ```
public struct IntentConfiguration: Codable, Sendable, Equatable {
    /// Attack (injection + jailbreak) probability at or above which a message is flagged, per role.
    public struct RoleThresholds: Codable, Sendable, Equatable {
        /// System and developer messages (written by the operator; flagged only when blatant).
        public var system: Double
        /// User messages and embedding inputs.
        public var user: Double
        /// Tool results and retrieved documents: indirect injection, the stricter threshold.
        public var tool: Double
        /// Earlier assistant turns replayed in the request.
        public var assistant: Double

        public init(system: Double = 0.995, user: Double = 0.85, tool: Double = 0.55, assistant: Double = 0.995) {
            self.system = system
            self.user = user
            self.tool = tool
            self.assistant = assistant
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case system, user, tool, assistant }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = RoleThresholds()
            system = try c.decodeIfPresent(Double.self, forKey: .system) ?? d.system
            user = try c.decodeIfPresent(Double.self, forKey: .user) ?? d.user
            tool = try c.decodeIfPresent(Double.self, forKey: .tool) ?? d.tool
            assistant = try c.decodeIfPresent(Double.self, forKey: .assistant) ?? d.assistant
        }

        /// The threshold for a message of `role`.
        public func threshold(for role: AIMessage.Role) -> Double {
            switch role {
            case .system, .developer: system
            case .user, .input: user
            case .tool: tool
            case .assistant: assistant
            }
        }
    }

    public var enabled: Bool
    /// A weights file written by `training/intent/train.py`; nil = the weights compiled in.
    public var weightsPath: String?
    /// Run the injection/jailbreak signatures.
    public var signatures: Bool
    public var thresholds: RoleThresholds
    /// Harmful-request probability at or above which a user message gets a `harmful.<kind>` finding.
    public var harmfulThreshold: Double
    /// Strings planted in system prompts; seeing one in a response is an exfiltration finding.
    public var canaries: [String]
    /// Hosts (exact, or `*.suffix`) that links and images in responses may point to with data.
    public var linkAllowList: [String]
    /// Flag responses telling the user to run commands or visit URLs.
    public var flagInstructions: Bool
    /// Optional external moderation / Llama-Guard judge.
    public var judge: ExternalJudgeConfiguration?

    public init(
        enabled: Bool = true, weightsPath: String? = nil, signatures: Bool = true,
        thresholds: RoleThresholds = RoleThresholds(), harmfulThreshold: Double = 0.9, canaries: [String] = [],
        linkAllowList: [String] = [], flagInstructions: Bool = true, judge: ExternalJudgeConfiguration? = nil
    ) {
        self.enabled = enabled
        self.weightsPath = weightsPath
        self.signatures = signatures
        self.thresholds = thresholds
        self.harmfulThreshold = harmfulThreshold
        self.canaries = canaries
        self.linkAllowList = linkAllowList
        self.flagInstructions = flagInstructions
        self.judge = judge
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, signatures, thresholds, canaries, judge
        case weightsPath = "weights_path"
        case harmfulThreshold = "harmful_threshold"
        case linkAllowList = "link_allow_list"
        case flagInstructions = "flag_instructions"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = IntentConfiguration()
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
        weightsPath = try c.decodeIfPresent(String.self, forKey: .weightsPath)
        signatures = try c.decodeIfPresent(Bool.self, forKey: .signatures) ?? d.signatures
        thresholds = try c.decodeIfPresent(RoleThresholds.self, forKey: .thresholds) ?? d.thresholds
        harmfulThreshold = try c.decodeIfPresent(Double.self, forKey: .harmfulThreshold) ?? d.harmfulThreshold
        canaries = try c.decodeIfPresent([String].self, forKey: .canaries) ?? d.canaries
        linkAllowList = try c.decodeIfPresent([String].self, forKey: .linkAllowList) ?? d.linkAllowList
        flagInstructions = try c.decodeIfPresent(Bool.self, forKey: .flagInstructions) ?? d.flagInstructions
        judge = try c.decodeIfPresent(ExternalJudgeConfiguration.self, forKey: .judge)
        try validate()
    }

    /// Rejects thresholds outside 0...1 and empty canaries.
    public func validate() throws {
        let t = thresholds
        for (name, v) in [
            ("thresholds.system", t.system), ("thresholds.user", t.user), ("thresholds.tool", t.tool),
            ("thresholds.assistant", t.assistant), ("harmful_threshold", harmfulThreshold),
        ] where !(0...1).contains(v) {
            throw IntentError.configuration("intent.\(name) must be between 0 and 1")
        }
        if canaries.contains(where: { $0.count < 6 }) {
            throw IntentError.configuration("intent.canaries: each canary must have at least 6 characters")
        }
    }
}
