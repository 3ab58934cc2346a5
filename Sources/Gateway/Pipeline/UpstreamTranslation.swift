import Core
import Providers

/// How a call crosses from its client API's wire format to its provider's, and back: not at all (the same
/// format: the body is forwarded as read, answers relayed as sent), or through `Providers`' translation
/// between OpenAI chat completions and Anthropic Messages. Chosen per call from the caller's API and the
/// routed provider; a pair with no translation is refused with a 400 before anything is decided.
///
/// Answers are translated before the answer guardrails run, so they inspect exactly what the caller receives.
public enum UpstreamTranslation: Sendable, Equatable {
    case none
    /// An OpenAI chat caller, a Claude model behind an Anthropic provider.
    case chatToAnthropic
    /// An Anthropic Messages caller, a model behind an OpenAI-compatible provider.
    case anthropicToChat

    init(operation: Core.Operation, model: String, provider: ProviderConfiguration) throws(GatewayError) {
        let upstream = provider.wireFormat
        switch (operation, upstream) {
        case (.chatCompletions, .anthropicMessages): self = .chatToAnthropic
        case (.messages, .openAIChat): self = .anthropicToChat
        case (.messages, .anthropicMessages), (.messagesCountTokens, .anthropicMessages): self = .none
        case (.chatCompletions, .openAIChat), (.responses, .openAIChat), (.embeddings, .openAIChat), (.modelsList, _): self = .none
        case (.messagesCountTokens, .openAIChat):
            throw .invalidRequest(
                message: "Token counting is served only for models behind an Anthropic provider; '\(ErrorResponse.printable(model))' is served in OpenAI format.",
                param: "model")
        case (_, .bedrockConverse), (_, .geminiGenerateContent):
            throw .invalidRequest(message: "The model '\(ErrorResponse.printable(model))' is not served yet.", param: "model")
        case (.responses, .anthropicMessages), (.embeddings, .anthropicMessages):
            throw .invalidRequest(
                message: "The model '\(ErrorResponse.printable(model))' is served in Anthropic Messages format, which this API cannot be translated to; use /v1/chat/completions or /v1/messages.",
                param: "model")
        }
    }

    /// The operation the provider is called with.
    func upstreamOperation(for operation: Core.Operation) -> Core.Operation {
        switch self {
        case .none: operation
        case .chatToAnthropic: .messages
        case .anthropicToChat: .chatCompletions
        }
    }

    /// The dialect of the provider's answers (nil: the caller's own). A provider's answer and each of its
    /// events are read against this dialect's declaration before they are translated — what it does not
    /// declare is dropped and noted, a text field that holds no text stops the answer — and its usage report
    /// settles the call: the caller's format may not say what the provider bills apart (Anthropic's
    /// prompt-cache writes; OpenAI's cached input at its own price).
    var upstreamDialect: (any APIDialect)? {
        switch self {
        case .none: nil
        case .chatToAnthropic: Dialects.messages
        case .anthropicToChat: Dialects.chatCompletions
        }
    }

    /// The wire format of the provider's bodies, for the audit record.
    func upstreamFormat(caller: WireFormat?) -> WireFormat? {
        switch self {
        case .none: caller
        case .chatToAnthropic: .anthropicMessages
        case .anthropicToChat: .openAIChat
        }
    }

    /// The provider's request body, from the caller's (obligations applied).
    func request(_ body: JSONValue, defaultMaxTokens: Int) throws(GatewayError) -> JSONValue {
        do {
            switch self {
            case .none: return body
            case .chatToAnthropic: return try ChatToAnthropic.request(body, defaultMaxTokens: defaultMaxTokens)
            case .anthropicToChat: return try AnthropicToChat.request(body)
            }
        } catch {
            throw .invalidRequest(message: error.message, param: error.param)
        }
    }

    /// The caller's complete answer, from the provider's.
    func answer(_ json: JSONValue) throws(UntranslatableAnswer) -> TranslatedAnswer {
        switch self {
        case .none: TranslatedAnswer(json: json, dropped: [])
        case .chatToAnthropic: try ChatToAnthropic.answer(json)
        case .anthropicToChat: try AnthropicToChat.answer(json)
        }
    }

    /// The provider's error body, in the caller's API's shape.
    func errorBody(_ body: [UInt8], status: Int) -> [UInt8] {
        switch self {
        case .none: body
        case .chatToAnthropic: ChatToAnthropic.errorBody(body)
        case .anthropicToChat: AnthropicToChat.errorBody(body, status: status)
        }
    }

    func streamTranslator() -> StreamTranslation? {
        switch self {
        case .none: nil
        case .chatToAnthropic: .chatToAnthropic(ChatToAnthropic.StreamTranslator())
        case .anthropicToChat: .anthropicToChat(AnthropicToChat.StreamTranslator())
        }
    }
}

/// A provider's stream on its way into the caller's API's events.
enum StreamTranslation {
    case chatToAnthropic(ChatToAnthropic.StreamTranslator)
    case anthropicToChat(AnthropicToChat.StreamTranslator)

    /// An event that is not a JSON object (a sentinel, a keep-alive, or what the inspection will refuse).
    mutating func translate(_ event: SSEEvent) -> [SSEEvent] {
        let out: [WireEvent]
        switch self {
        case .chatToAnthropic(var t): out = t.translate(name: event.event, data: event.data); self = .chatToAnthropic(t)
        case .anthropicToChat(var t): out = t.translate(name: event.event, data: event.data); self = .anthropicToChat(t)
        }
        return out.map { SSEEvent(event: $0.name, data: $0.data) }
    }

    /// An event already parsed and read against the provider's declaration.
    mutating func translate(_ event: SSEEvent, json: JSONValue) -> [SSEEvent] {
        let out: [WireEvent]
        switch self {
        case .chatToAnthropic(var t): out = t.translate(name: event.event, event: json); self = .chatToAnthropic(t)
        case .anthropicToChat(var t): out = t.translate(event: json); self = .anthropicToChat(t)
        }
        return out.map { SSEEvent(event: $0.name, data: $0.data) }
    }

    mutating func finish() -> [SSEEvent] {
        let out: [WireEvent]
        switch self {
        case .chatToAnthropic(var t): out = t.finish(); self = .chatToAnthropic(t)
        case .anthropicToChat(var t): out = t.finish(); self = .anthropicToChat(t)
        }
        return out.map { SSEEvent(event: $0.name, data: $0.data) }
    }

    var dropped: [String] {
        switch self {
        case .chatToAnthropic(let t): t.dropped
        case .anthropicToChat(let t): t.dropped
        }
    }

    var failure: UntranslatableAnswer? {
        switch self {
        case .chatToAnthropic(let t): t.failure
        case .anthropicToChat(let t): t.failure
        }
    }
}
