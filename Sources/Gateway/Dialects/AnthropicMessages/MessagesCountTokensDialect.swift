import Core
import Providers

/// `POST /v1/messages/count_tokens`: the provider reads the whole conversation (so it is inspected, decided,
/// limited and recorded like a message) and answers with a number; nothing is generated.
struct MessagesCountTokensDialect: APIDialect {
    var operation: Core.Operation { .messagesCountTokens }
    var api: String { "anthropic.messages" }
    var requestShape: ObjectShape { MessagesRequestShape.countTokens }
    var answerShape: ObjectShape { MessagesAnswerShape.tokenCount }
    var wireFormat: WireFormat? { .anthropicMessages }

    func complete(_ request: inout AIRequest) throws(GatewayError) {
        try Dialects.messages.complete(&request)
        request.stream = false
        request.maxTokens = 0
    }

    /// Counting costs no tokens: the count is not usage.
    func usage(in json: JSONValue) -> TokenUsage? { TokenUsage() }

    func streamError(code: String, message: String) -> [SSEEvent] { Dialects.messages.streamError(code: code, message: message) }

    func toolsRemoved(_ removed: [AITool], kept: [AITool], from body: inout JSONValue) {
        Dialects.messages.toolsRemoved(removed, kept: kept, from: &body)
    }

    func errorBody(_ error: ErrorResponse) -> [UInt8] { Dialects.messages.errorBody(error) }
}
