import Core
import Providers

/// `POST /v1/messages`, Anthropic's Messages API (what the `anthropic` SDKs and Claude Code speak).
struct MessagesDialect: APIDialect {
    var operation: Core.Operation { .messages }
    var api: String { "anthropic.messages" }
    var requestShape: ObjectShape { MessagesRequestShape.request }
    var answerShape: ObjectShape { MessagesAnswerShape.answer }
    var wireFormat: WireFormat? { .anthropicMessages }

    func complete(_ request: inout AIRequest) throws(GatewayError) {
        let body = request.body
        guard body["messages"]?.arrayValue?.isEmpty == false else {
            throw RequestReader.wrongType(JSONLocation([.key("messages")]), body["messages"], expected: "a non-empty array")
        }
        request.stream = body["stream"]?.boolValue ?? false
        request.maxTokens = body["max_tokens"]?.intValue
    }

    func makeStreamGrammar() -> (any StreamGrammar)? { MessagesStreamGrammar() }

    func usage(in json: JSONValue) -> TokenUsage? { usage(in: json, after: nil) }

    /// `message_start` reports the input (and a first output count), `message_delta` the final output
    /// count, and — on newer API versions — the input again: what an event carries replaces what was known.
    func usage(in json: JSONValue, after previous: TokenUsage?) -> TokenUsage? {
        guard case .object(let u)? = json["usage"] ?? json["message"]?["usage"] else { return nil }
        var usage = previous ?? TokenUsage()
        if let n = u["input_tokens"]?.intValue { usage.inputTokens = n }
        if let n = u["output_tokens"]?.intValue { usage.outputTokens = n }
        if let n = u["cache_creation_input_tokens"]?.intValue { usage.cacheWriteTokens = n }
        if let n = u["cache_read_input_tokens"]?.intValue { usage.cacheReadTokens = n }
        return usage
    }

    func streamError(code: String, message: String) -> [SSEEvent] {
        // A withheld answer is a 422 when not streamed (an invalid_request_error); every other stop is the provider's
        // or the gateway's failure.
        let type = code == "response_blocked" ? "invalid_request_error" : "api_error"
        let body: JSONValue = ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
        return [SSEEvent(event: "error", data: body.serialized())]
    }

    func toolsRemoved(_ removed: [AITool], kept: [AITool], from body: inout JSONValue) {
        if body["tools"]?.arrayValue?.isEmpty == true { body["tools"] = nil }
        if kept.isEmpty {
            body["tool_choice"] = nil
            return
        }
        // A choice that forces a tool no longer offered falls back to letting the model choose.
        if body["tool_choice"]?["type"]?.stringValue == "tool", let name = body["tool_choice"]?["name"]?.stringValue,
            !kept.contains(where: { $0.name == name })
        {
            var choice: JSONValue = ["type": "auto"]
            if let parallel = body["tool_choice"]?["disable_parallel_tool_use"] { choice["disable_parallel_tool_use"] = parallel }
            body["tool_choice"] = choice
        }
    }

    func capOutput(_ body: inout JSONValue, at cap: Int) {
        body["max_tokens"] = .integer(cap)
        // Thinking counts against max_tokens: a budget above the cap would be refused by the provider.
        if let budget = body["thinking"]?["budget_tokens"]?.intValue, budget >= cap {
            body["thinking"] = ["type": "disabled"]
        }
    }

    func errorBody(_ error: ErrorResponse) -> [UInt8] {
        let body: JSONValue = ["type": "error", "error": ["type": .string(Self.errorType(error)), "message": .string(error.message)]]
        return body.serialized()
    }

    /// Anthropic's error type for a refusal, by status (the SDKs choose their exception class by status).
    static func errorType(_ error: ErrorResponse) -> String {
        ErrorBodies.anthropicType(status: error.status) ?? (error.status < 500 ? "invalid_request_error" : "api_error")
    }
}
