import Core

/// `apis:` — per client API (`chat.completions`, `responses`, `embeddings`, `messages`,
/// `messages.count_tokens`), the extra top-level request
/// fields an operator allows beyond the API's published schema (a vLLM server's `top_k`, `guided_json`...),
/// each declared as `text` (every string and member name inside is inspected like any text the model reads)
/// or `parameter` (numbers, booleans, null and arrays of those; a string is always text). Every other
/// unknown field is refused with a 400 naming it.
///
/// ```yaml
/// apis:
///   chat.completions:
///     extra_fields: { top_k: parameter, guided_json: text }
///   messages:
///     anthropic_beta: [claude-code-20250219, interleaved-thinking-2025-05-14]
/// ```
///
/// `anthropic_beta` (Messages only; it applies to `count_tokens` too) replaces the default allow-list of
/// `anthropic-beta` values (`AnthropicHeaders.defaultBetas`).
public struct APIsConfiguration: Sendable, Codable, Equatable {
    public enum FieldKind: String, Sendable, Codable, Equatable {
        case text, parameter
    }

    public struct API: Sendable, Codable, Equatable {
        public var extraFields: [String: FieldKind]
        /// Messages: the `anthropic-beta` values callers may send (nil: the default list).
        public var anthropicBeta: [String]?

        public init(extraFields: [String: FieldKind] = [:], anthropicBeta: [String]? = nil) {
            self.extraFields = extraFields
            self.anthropicBeta = anthropicBeta
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case extraFields = "extra_fields"
            case anthropicBeta = "anthropic_beta"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            extraFields = try c.decodeIfPresent([String: FieldKind].self, forKey: .extraFields) ?? [:]
            anthropicBeta = try c.decodeIfPresent([String].self, forKey: .anthropicBeta)
        }
    }

    public var apis: [Core.Operation: API]

    public init(_ apis: [Core.Operation: API] = [:]) { self.apis = apis }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: API].self)
        var apis: [Core.Operation: API] = [:]
        for (name, api) in raw {
            guard let operation = Core.Operation(rawValue: name), Self.configurable.contains(operation) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath + [AnyCodingKey(stringValue: name)],
                    debugDescription: "unknown API '\(name)'; expected one of: \(Self.configurable.map(\.rawValue).sorted().joined(separator: ", "))"))
            }
            if api.anthropicBeta != nil, operation != .messages {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath + [AnyCodingKey(stringValue: name), AnyCodingKey(stringValue: "anthropic_beta")],
                    debugDescription: "anthropic_beta is set under messages (it applies to messages.count_tokens too)"))
            }
            for field in api.extraFields.keys {
                if Dialects.dialect(for: operation)?.requestShape[field] != nil {
                    throw DecodingError.dataCorrupted(.init(
                        codingPath: decoder.codingPath + [AnyCodingKey(stringValue: name), AnyCodingKey(stringValue: "extra_fields"), AnyCodingKey(stringValue: field)],
                        debugDescription: "'\(field)' is already declared by the \(name) API; only fields it does not know can be added"))
                }
            }
            apis[operation] = api
        }
        self.apis = apis
    }

    static let configurable: [Core.Operation] = [.chatCompletions, .responses, .embeddings, .messages, .messagesCountTokens]

    /// The check of the Messages API's version and beta headers.
    var anthropicHeaders: AnthropicHeaders { AnthropicHeaders(allowedBetas: apis[.messages]?.anthropicBeta) }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Dictionary(uniqueKeysWithValues: apis.map { ($0.key.rawValue, $0.value) }))
    }

    /// The declared shapes of the extra fields, per operation.
    var extraFieldShapes: [Core.Operation: [String: FieldShape]] {
        apis.mapValues { api in
            api.extraFields.mapValues { kind in
                switch kind {
                case .text: .freeform(.prose(.user))
                case .parameter: .parameter(.stringFree)
                }
            }
        }
    }
}
