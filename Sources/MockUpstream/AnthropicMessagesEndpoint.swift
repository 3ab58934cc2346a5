import HTTPTypes
import Hummingbird

/// `POST /v1/messages` (Anthropic Messages API): a `message` object, or its event stream (see
/// `AnthropicMessageStream.swift`); and `POST /v1/messages/count_tokens`: `{"input_tokens": N}`, N the
/// prompt tokens `/v1/messages` counts for the same body (`input_tokens` + `cache_creation_input_tokens`
/// + `cache_read_input_tokens` of its usage).
///
/// Both need the `anthropic-version` header, as the real API does: without it, a 400
/// `invalid_request_error` (after the key check). Both take the error knobs (`mock-error-NNN`,
/// `x-mock-status`...). Thinking (`AnthropicThinking`), prompt caching (`AnthropicPromptCache`),
/// `stop_sequences` and `max_tokens` shape the answer; the reply itself follows `ScriptedReply`.
extension MockLLM {
    func anthropicMessages(_ request: Request) async throws -> Response {
        try await serve(request, style: .anthropic) { exchange in
            try requireAnthropicVersion(exchange)
            let body = try decode(AnthropicMessagesRequest.self, exchange)
            let model = body.model ?? ""
            let behaviour = MockBehaviour(configuration: configuration, model: model, headers: request.headers)
            try await prelude(behaviour, exchange)
            var conversation = body.conversation
            var thinking: AnthropicThinking?
            if body.thinkingIsOn {
                (thinking, conversation) = AnthropicThinking.derive(conversation, chunkSize: behaviour.chunkSize)
            }
            let reply = ScriptedReply(conversation: conversation, chunkSize: behaviour.chunkSize)
            let input = promptCache.inputUsage(promptTokens: conversation.promptTokens, prefix: body.cachedPrefix)
            let serial = nextSerial()
            let message = AnthropicMessageShape(
                id: "msg_mock_\(serial)", toolID: "toolu_mock_\(serial)", model: model, thinking: thinking,
                reply: reply, input: input, chunkSize: behaviour.chunkSize)
            if body.stream == true {
                return try await streamResponse(message.events(), behaviour: behaviour, exchange)
            }
            var out = ByteBuffer()
            message.writeMessage(into: &out, final: true)
            return try await jsonResponse(out, behaviour: behaviour, exchange)
        }
    }

    func anthropicCountTokens(_ request: Request) async throws -> Response {
        try await serve(request, style: .anthropic) { exchange in
            try requireAnthropicVersion(exchange)
            let body = try decode(AnthropicMessagesRequest.self, exchange)
            let behaviour = MockBehaviour(
                configuration: configuration, model: body.model ?? "", headers: request.headers)
            try await prelude(behaviour, exchange)
            var out = ByteBuffer()
            out.writeStaticString("{\"input_tokens\":")
            out.writeJSONInt(body.conversation.promptTokens)
            out.writeStaticString("}")
            return try await jsonResponse(out, behaviour: behaviour, exchange)
        }
    }

    /// Answers 400 when the `anthropic-version` header is missing (the real API's message).
    func requireAnthropicVersion(_ exchange: Exchange) throws {
        guard exchange.request.headers[.anthropicVersion] == nil else { return }
        log.finish(exchange.recordID, .badRequest)
        throw EarlyResponse(
            response: ErrorBody.response(
                status: 400, message: "anthropic-version: header is required", style: .anthropic,
                requestID: exchange.requestID))
    }
}

extension HTTPField.Name {
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
}
