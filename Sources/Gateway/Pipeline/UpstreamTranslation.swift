import Core
import Providers

/// How a call crosses from its client API's wire format to its provider's, and back: not at all (the same
/// format: the body is forwarded as read, answers relayed as sent), or through `Providers`' translations.
/// Chat callers reach Anthropic, Bedrock Converse and Google generateContent directly; Anthropic Messages
/// callers reach OpenAI-compatible models directly and Converse and Google through chat completions (the
/// Anthropic ↔ chat translation composed with the chat ↔ provider one). Chosen per call from the caller's
/// API and the routed provider; a pair with no translation is refused with a 400 before anything is decided.
///
/// Answers are translated before the answer guardrails run, so they inspect exactly what the caller receives.
public enum UpstreamTranslation: Sendable, Equatable {
    case none
    /// An OpenAI chat caller, a Claude model behind an Anthropic provider.
    case chatToAnthropic
    /// An Anthropic Messages caller, a model behind an OpenAI-compatible provider.
    case anthropicToChat
    /// A caller (chat, or Messages through chat) and a model behind AWS Bedrock's Converse API.
    case toConverse(fromAnthropic: Bool)
    /// A caller (chat, or Messages through chat) and a model behind the Gemini API or Vertex AI.
    case toGemini(fromAnthropic: Bool)

    init(operation: Core.Operation, model: String, provider: ProviderConfiguration) throws(GatewayError) {
        let upstream = provider.wireFormat
        switch (operation, upstream) {
        case (.chatCompletions, .anthropicMessages): self = .chatToAnthropic
        case (.messages, .openAIChat): self = .anthropicToChat
        case (.messages, .anthropicMessages), (.messagesCountTokens, .anthropicMessages): self = .none
        case (.chatCompletions, .openAIChat), (.responses, .openAIChat), (.embeddings, .openAIChat), (.modelsList, _): self = .none
        case (.chatCompletions, .bedrockConverse): self = .toConverse(fromAnthropic: false)
        case (.messages, .bedrockConverse): self = .toConverse(fromAnthropic: true)
        case (.chatCompletions, .geminiGenerateContent): self = .toGemini(fromAnthropic: false)
        case (.messages, .geminiGenerateContent): self = .toGemini(fromAnthropic: true)
        case (.messagesCountTokens, .openAIChat), (.messagesCountTokens, .bedrockConverse), (.messagesCountTokens, .geminiGenerateContent):
            throw .invalidRequest(
                message: "Token counting is served only for models behind an Anthropic provider; '\(ErrorResponse.printable(model))' is served in another format.",
                param: "model")
        case (.responses, .anthropicMessages), (.embeddings, .anthropicMessages), (.responses, .bedrockConverse), (.embeddings, .bedrockConverse),
             (.responses, .geminiGenerateContent), (.embeddings, .geminiGenerateContent):
            throw .invalidRequest(
                message: "The model '\(ErrorResponse.printable(model))' is served in \(Self.name(of: upstream)) format, which this API cannot be translated to; use /v1/chat/completions or /v1/messages.",
                param: "model")
        case (.toolsList, _), (.toolsCall, _), (.resourcesList, _), (.resourcesRead, _), (.promptsList, _), (.promptsGet, _):
            // MCP calls go to MCP servers, never to a model provider.
            throw .invalidRequest(message: "MCP methods are served at /mcp/<server>.", param: nil)
        }
    }

    /// A wire format as a caller reads it in an error message.
    static func name(of format: WireFormat) -> String {
        switch format {
        case .openAIChat: "OpenAI chat completions"
        case .anthropicMessages: "Anthropic Messages"
        case .bedrockConverse: "AWS Bedrock Converse"
        case .geminiGenerateContent: "Google generateContent"
        }
    }

    /// The operation the provider is called with (Converse and Google: generation, as for chat completions).
    func upstreamOperation(for operation: Core.Operation) -> Core.Operation {
        switch self {
        case .none: operation
        case .chatToAnthropic: .messages
        case .anthropicToChat, .toConverse, .toGemini: .chatCompletions
        }
    }

    /// The dialect of the provider's answers, for the provider formats that are also client APIs (nil: the
    /// caller's own, or a provider-only format whose translation reads every member itself). A provider's
    /// answer and each of its events are read against this dialect's declaration before they are translated
    /// — what it does not declare is dropped and noted, a text field that holds no text stops the answer —
    /// and its usage report settles the call: the caller's format may not say what the provider bills apart
    /// (Anthropic's prompt-cache writes; OpenAI's cached input at its own price).
    var upstreamDialect: (any APIDialect)? {
        switch self {
        case .none, .toConverse, .toGemini: nil
        case .chatToAnthropic: Dialects.messages
        case .anthropicToChat: Dialects.chatCompletions
        }
    }

    /// The usage the provider reported in a complete answer.
    func reportedUsage(_ json: JSONValue) -> TokenUsage? {
        switch self {
        case .none: nil
        case .chatToAnthropic, .anthropicToChat: upstreamDialect?.usage(in: json)
        case .toConverse: ChatToConverse.usage(json)
        case .toGemini: ChatToGemini.usage(json)
        }
    }

    /// The wire format of the provider's bodies, for the audit record.
    func upstreamFormat(caller: WireFormat?) -> WireFormat? {
        switch self {
        case .none: caller
        case .chatToAnthropic: .anthropicMessages
        case .anthropicToChat: .openAIChat
        case .toConverse: .bedrockConverse
        case .toGemini: .geminiGenerateContent
        }
    }

    /// How the provider frames a streamed answer.
    var streamFraming: StreamFraming { if case .toConverse = self { .awsEventStream } else { .serverSentEvents } }

    /// The provider's request body, from the caller's (obligations applied).
    func request(_ body: JSONValue, defaultMaxTokens: Int) throws(GatewayError) -> JSONValue {
        do {
            switch self {
            case .none: return body
            case .chatToAnthropic: return try ChatToAnthropic.request(body, defaultMaxTokens: defaultMaxTokens)
            case .anthropicToChat: return try AnthropicToChat.request(body)
            case .toConverse(let fromAnthropic):
                return try ChatToConverse.request(fromAnthropic ? AnthropicToChat.request(body) : body, defaultMaxTokens: defaultMaxTokens)
            case .toGemini(let fromAnthropic):
                // Google has no end-user field: the gateway's pseudonymous id is not sent there.
                var chat = fromAnthropic ? try AnthropicToChat.request(body) : body
                chat["user"] = nil
                chat["safety_identifier"] = nil
                return try ChatToGemini.request(chat, defaultMaxTokens: defaultMaxTokens)
            }
        } catch {
            throw .invalidRequest(message: error.message, param: error.param)
        }
    }

    /// The caller's complete answer, from the provider's.
    func answer(_ json: JSONValue, model: String) throws(UntranslatableAnswer) -> TranslatedAnswer {
        switch self {
        case .none: return TranslatedAnswer(json: json, dropped: [])
        case .chatToAnthropic: return try ChatToAnthropic.answer(json)
        case .anthropicToChat: return try AnthropicToChat.answer(json)
        case .toConverse(let fromAnthropic):
            let chat = try ChatToConverse.answer(json, model: .string(model))
            return fromAnthropic ? try Self.composed(chat, AnthropicToChat.answer(chat.json)) : chat
        case .toGemini(let fromAnthropic):
            let chat = try ChatToGemini.answer(json, model: .string(model))
            return fromAnthropic ? try Self.composed(chat, AnthropicToChat.answer(chat.json)) : chat
        }
    }

    private static func composed(_ first: TranslatedAnswer, _ second: TranslatedAnswer) -> TranslatedAnswer {
        TranslatedAnswer(json: second.json, dropped: first.dropped + second.dropped)
    }

    /// The provider's error body, in the caller's API's shape.
    func errorBody(_ body: [UInt8], status: Int, headers: [(String, String)]) -> [UInt8] {
        switch self {
        case .none: return body
        case .chatToAnthropic: return ChatToAnthropic.errorBody(body)
        case .anthropicToChat: return AnthropicToChat.errorBody(body, status: status)
        case .toConverse(let fromAnthropic):
            let type = headers.first { $0.0 == "x-amzn-errortype" }?.1
            let chat = ChatToConverse.errorBody(body, status: status, errorType: type)
            return fromAnthropic ? AnthropicToChat.errorBody(chat, status: status) : chat
        case .toGemini(let fromAnthropic):
            let chat = ChatToGemini.errorBody(body, status: status)
            return fromAnthropic ? AnthropicToChat.errorBody(chat, status: status) : chat
        }
    }

    /// `model`: the caller's model name, for the chunks of providers whose events do not name it.
    func streamTranslator(model: String) -> StreamTranslation? {
        switch self {
        case .none: nil
        case .chatToAnthropic: .chatToAnthropic(ChatToAnthropic.StreamTranslator())
        case .anthropicToChat: .anthropicToChat(AnthropicToChat.StreamTranslator())
        case .toConverse(let fromAnthropic):
            .converse(ChatToConverse.StreamTranslator(includeUsage: true, model: .string(model)), fromAnthropic ? AnthropicToChat.StreamTranslator() : nil)
        case .toGemini(let fromAnthropic):
            .gemini(ChatToGemini.StreamTranslator(includeUsage: true, model: .string(model)), fromAnthropic ? AnthropicToChat.StreamTranslator() : nil)
        }
    }
}

/// How a provider frames the events of a streamed answer.
enum StreamFraming {
    case serverSentEvents
    /// `application/vnd.amazon.eventstream` (Bedrock): binary frames, each an event named by its headers.
    case awsEventStream
}
