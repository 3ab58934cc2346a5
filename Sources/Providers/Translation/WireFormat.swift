import Core

/// The wire formats the gateway translates between (pure JSON, no HTTP). The first two are also client APIs:
/// a caller speaking one of them may use a model whose upstream speaks any other.
public enum WireFormat: String, Sendable {
    case openAIChat = "openai.chat_completions"
    case anthropicMessages = "anthropic.messages"
    /// AWS Bedrock Runtime `Converse` / `ConverseStream` (stream framed as `application/vnd.amazon.eventstream`).
    case bedrockConverse = "bedrock.converse"
    /// Google `generateContent` / `streamGenerateContent?alt=sse`, as the Gemini API and Vertex AI serve it.
    case geminiGenerateContent = "google.generate_content"
}

/// A request field (or block, part, message) the other wire format cannot express faithfully. The gateway
/// answers the caller 400 naming `param`; nothing is ever dropped silently on the way up.
public struct UntranslatableRequest: Error, Sendable, Equatable {
    /// The caller's field, in its own syntax: `n`, `messages[2].content[0]`, `tools[1]`.
    public let param: String
    /// Why, in words a caller can act on; never contains a content value.
    public let message: String

    public init(param: String, message: String) {
        self.param = param
        self.message = message
    }
}

/// An answer in the caller's format, and the names of the provider's parts that had no equivalent there
/// (the gateway audits `dropped`).
public struct TranslatedAnswer: Sendable {
    public var json: JSONValue
    public var dropped: [String]

    public init(json: JSONValue, dropped: [String]) {
        self.json = json
        self.dropped = dropped
    }
}

/// An answer that cannot be made valid in the caller's format (the gateway answers 502).
public struct UntranslatableAnswer: Error, Sendable, Equatable {
    /// Short, names fields only, never content values.
    public let reason: String

    public init(reason: String) { self.reason = reason }
}

/// One SSE event to send: optional `event:` name and its data bytes (data may be the raw sentinel `[DONE]`).
public struct WireEvent: Sendable, Equatable {
    public var name: String?
    public var data: [UInt8]

    public init(name: String?, data: [UInt8]) {
        self.name = name
        self.data = data
    }

    /// The OpenAI end-of-stream sentinel.
    public static let done = WireEvent(name: nil, data: Array("[DONE]".utf8))

    static func json(_ value: JSONValue, name: String? = nil) -> WireEvent {
        WireEvent(name: name, data: value.serialized())
    }
}
