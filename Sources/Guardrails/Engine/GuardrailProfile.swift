import Core

/// Actions per category prefix and direction. The longest matching prefix decides (`pii.email` before
/// `pii` before `*`); a category no prefix covers is flagged.
public struct GuardrailProfile: Codable, Sendable, Hashable {
    public var request: [String: GuardrailAction]
    public var response: [String: GuardrailAction]

    public init(request: [String: GuardrailAction], response: [String: GuardrailAction]) {
        self.request = request
        self.response = response
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case request, response
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        request = try c.decodeIfPresent([String: GuardrailAction].self, forKey: .request) ?? [:]
        response = try c.decodeIfPresent([String: GuardrailAction].self, forKey: .response) ?? [:]
    }

    public func action(for category: String, direction: Finding.Direction) -> GuardrailAction {
        let table = direction == .request ? request : response
        var best: (length: Int, action: GuardrailAction)?
        for (prefix, action) in table where category.isCategory(within: prefix) {
            let length = prefix == "*" ? 0 : prefix.count
            if best == nil || length > best!.length { best = (length, action) }
        }
        return best?.action ?? .flag
    }

    /// Built-in profiles; configuration entries with the same name replace them.
    public static let builtIn: [String: GuardrailProfile] = [
        "off": GuardrailProfile(request: ["*": .allow], response: ["*": .allow]),
        "permissive": GuardrailProfile(request: ["*": .flag], response: ["*": .flag]),
        "standard": GuardrailProfile(
            request: ["*": .flag, "secret": .redact, "pii.credit_card": .redact, "pii.us_ssn": .redact],
            response: ["*": .flag, "secret": .redact, "pii.credit_card": .redact]),
        "strict": GuardrailProfile(
            request: [
                "*": .flag, "pii": .redact, "secret": .block, "custom": .redact, "injection": .block,
                "jailbreak": .block, "harmful": .block,
            ],
            response: ["*": .flag, "pii": .redact, "secret": .block, "custom": .redact, "exfiltration": .block]),
    ]
}
