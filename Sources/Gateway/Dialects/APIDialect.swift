import Core
import Providers

/// One client API the gateway speaks (OpenAI chat completions, Responses, embeddings, models): the complete
/// declaration of its requests, answers and stream events, and what is particular to it. Everything else —
/// reading against the declarations, inspection, policy, limits, audit — is shared, so the next API is added
/// by writing one folder under `Dialects/` with one type conforming to this (see docs/apis.md).
protocol APIDialect: Sendable {
    var operation: Core.Operation { get }
    /// The API family and name (`openai.chat_completions`, `anthropic.messages`): policy's `context.api`, the
    /// audit record's `api`.
    var api: String { get }
    /// Every field of a request.
    var requestShape: ObjectShape { get }
    /// Reads the dialect's own parameters off the validated body (model, stream, output cap, choices,
    /// logprobs, continuation) and applies the rules that span several fields.
    func complete(_ request: inout AIRequest) throws(GatewayError)
    /// Every field of a complete answer.
    var answerShape: ObjectShape { get }
    /// A reader of this API's stream events, or nil when it does not stream.
    func makeStreamGrammar() -> (any StreamGrammar)?
    /// Token usage reported in an answer or a stream event.
    func usage(in json: JSONValue) -> TokenUsage?
    /// Token usage after a stream event, given what earlier events reported (APIs that report input and
    /// output in different events merge them).
    func usage(in json: JSONValue, after previous: TokenUsage?) -> TokenUsage?
    /// The body format of this API, where the gateway can translate it to another provider's.
    var wireFormat: WireFormat? { get }
    /// The events that end a stream the gateway stops, in this API's form.
    func streamError(code: String, message: String) -> [SSEEvent]
    /// What must change in the body when `@tools` removed some of the declared tools (choices naming them).
    func toolsRemoved(_ removed: [AITool], kept: [AITool], from body: inout JSONValue)
    /// Writes the effective output cap into the body.
    func capOutput(_ body: inout JSONValue, at cap: Int)
    /// Last changes the gateway makes for the provider (chat streams ask for usage so budgets settle).
    func prepareForProvider(_ body: inout JSONValue, request: AIRequest)
    /// The error body for a refusal, in this API's form.
    func errorBody(_ error: ErrorResponse) -> [UInt8]
    /// The id of provider-stored state an answer created, which a later request may continue from
    /// (`AIRequest.continuation`), in a complete answer or a stream event.
    func continuationCreated(by json: JSONValue) -> String?
}

extension APIDialect {
    func usage(in json: JSONValue, after previous: TokenUsage?) -> TokenUsage? { usage(in: json) }
    var wireFormat: WireFormat? { nil }
    func makeStreamGrammar() -> (any StreamGrammar)? { nil }
    func toolsRemoved(_ removed: [AITool], kept: [AITool], from body: inout JSONValue) {}
    func capOutput(_ body: inout JSONValue, at cap: Int) {}
    func prepareForProvider(_ body: inout JSONValue, request: AIRequest) {}
    func errorBody(_ error: ErrorResponse) -> [UInt8] { Array(error.jsonBody().utf8) }
    func continuationCreated(by json: JSONValue) -> String? { nil }
}

/// The dialects by operation.
enum Dialects {
    static let chatCompletions = ChatCompletionsDialect()
    static let responses = ResponsesDialect()
    static let embeddings = EmbeddingsDialect()
    static let models = ModelsDialect()
    static let messages = MessagesDialect()
    static let messagesCountTokens = MessagesCountTokensDialect()

    static func dialect(for operation: Core.Operation) -> (any APIDialect)? {
        switch operation {
        case .chatCompletions: chatCompletions
        case .responses: responses
        case .embeddings: embeddings
        case .modelsList: models
        case .messages: messages
        case .messagesCountTokens: messagesCountTokens
        // MCP is JSON-RPC at /mcp/<server> (`MCPExchange`), not an inference API dialect.
        case .toolsList, .toolsCall, .resourcesList, .resourcesRead, .promptsList, .promptsGet: nil
        }
    }

    /// Every dialect, for declarations listings (docs, the SDK check).
    static let all: [any APIDialect] = [chatCompletions, responses, embeddings, models, messages, messagesCountTokens]
}

/// The events of one streamed answer, as its dialect declares them, and how held-back text is carried.
/// One grammar per stream (it may track state, such as item ids by output index).
protocol StreamGrammar {
    /// The declaration of an event; nil when the dialect does not know its type (it is dropped).
    func shape(of event: JSONValue, name: String?) -> ObjectShape?
    /// A sentinel event that is not JSON (`[DONE]`).
    func isSentinel(_ event: SSEEvent) -> Bool
    /// Whether this event ends the stream cleanly (`[DONE]`, `response.completed`).
    func isTerminal(_ event: SSEEvent, json: JSONValue?) -> Bool
    /// Slot prefixes whose text ends with this event: their held-back text goes out now.
    func endingSlots(of event: JSONValue) -> [String]
    /// Carries held-back text of ending slots: into `event`, or as events sent before it (returned).
    mutating func carry(_ remainders: [(slot: String, text: String)], into event: inout JSONValue) -> [JSONValue]
    /// Held-back text still unsent when the stream ends: as events.
    func closing(_ remainders: [(slot: String, text: String)]) -> [JSONValue]
    /// An event the gateway asked the provider for and the caller did not (chat's usage-only chunk).
    func isForGatewayOnly(_ event: JSONValue, callerWantsUsage: Bool) -> Bool
    /// An event by which the provider reports that it failed (an error event): passed on, and the answer is
    /// recorded as an upstream error.
    func isProviderError(_ event: JSONValue) -> Bool
    /// Sees every event as it arrives, before it is inspected.
    mutating func observe(_ event: JSONValue)
    /// The SSE `event:` name an event goes out with (nil: none). Whatever name or `id:` the provider sent is
    /// replaced by it: the caller receives no SSE field the dialect does not declare.
    func eventName(of event: JSONValue) -> String?
}

extension StreamGrammar {
    func isProviderError(_ event: JSONValue) -> Bool { false }
    mutating func observe(_ event: JSONValue) {}
    func eventName(of event: JSONValue) -> String? { nil }
}
