import Core
import Providers

/// `POST /v1/chat/completions`, OpenAI's chat completions API (also what vLLM, Ollama and Azure speak).
struct ChatCompletionsDialect: APIDialect {
    var operation: Core.Operation { .chatCompletions }
    var api: String { "openai.chat_completions" }
    var requestShape: ObjectShape { ChatRequestShape.request }
    var answerShape: ObjectShape { ChatAnswerShape.answer }
    var wireFormat: WireFormat? { .openAIChat }

    func complete(_ request: inout AIRequest) throws(GatewayError) {
        let body = request.body
        guard body["messages"]?.arrayValue?.isEmpty == false else {
            throw RequestReader.wrongType(JSONLocation([.key("messages")]), body["messages"], expected: "a non-empty array")
        }
        request.stream = body["stream"]?.boolValue ?? false
        request.maxTokens = body["max_completion_tokens"]?.intValue ?? body["max_tokens"]?.intValue
        request.choices = body["n"]?.intValue ?? 1
        request.asksForLogprobs = body["logprobs"]?.boolValue == true || (body["top_logprobs"]?.intValue ?? 0) > 0
    }

    func makeStreamGrammar() -> (any StreamGrammar)? { ChatStreamGrammar() }

    func usage(in json: JSONValue) -> TokenUsage? {
        guard case .object(let u)? = json["usage"] else { return nil }
        return TokenUsage(inputTokens: u["prompt_tokens"]?.intValue ?? 0, outputTokens: u["completion_tokens"]?.intValue ?? 0)
    }

    func streamError(code: String, message: String) -> [SSEEvent] {
        let body: JSONValue = ["error": ["message": .string(message), "type": "server_error", "param": nil, "code": .string(code)]]
        return [SSEEvent(data: body.serialized()), SSEEvent(data: ChatStreamGrammar.done)]
    }

    func toolsRemoved(_ removed: [AITool], kept: [AITool], from body: inout JSONValue) {
        let keptNames = Set(kept.map(\.name))
        for list in ["tools", "functions"] where body[list]?.arrayValue?.isEmpty == true {
            body[list] = nil
        }
        if kept.isEmpty {
            for field in ["tool_choice", "parallel_tool_calls", "function_call"] { body[field] = nil }
            return
        }
        // A choice that forces a tool no longer offered falls back to letting the model choose.
        let forced = body["tool_choice"]?["function"]?["name"]?.stringValue ?? body["tool_choice"]?["custom"]?["name"]?.stringValue
        if let forced, !keptNames.contains(forced) { body["tool_choice"] = "auto" }
        if let name = body["function_call"]?["name"]?.stringValue, !keptNames.contains(name) { body["function_call"] = "auto" }
        if case .array(let allowed)? = body["tool_choice"]?["allowed_tools"]?["tools"] {
            let names = allowed.filter { tool in
                let name = tool["function"]?["name"]?.stringValue ?? tool["custom"]?["name"]?.stringValue ?? tool["name"]?.stringValue
                return name.map(keptNames.contains) ?? false
            }
            body["tool_choice"] = names.isEmpty ? "auto" : body["tool_choice"]
            if !names.isEmpty { body.replace(at: JSONLocation([.key("tool_choice"), .key("allowed_tools"), .key("tools")]), with: .array(names)) }
        }
    }

    func capOutput(_ body: inout JSONValue, at cap: Int) {
        // Every cap field the caller sent is capped (a provider may honour either); none sent: max_tokens.
        let sent = ["max_completion_tokens", "max_tokens"].filter { body[$0] != nil && body[$0] != .null }
        for field in sent.isEmpty ? ["max_tokens"] : sent { body[field] = .integer(cap) }
    }

    func prepareForProvider(_ body: inout JSONValue, request: AIRequest) {
        guard request.stream else { return }
        // Ask for usage so budgets settle on real numbers; the chunk is dropped again if the caller did not ask.
        var options = body["stream_options"]?.objectValue ?? [:]
        options["include_usage"] = true
        body["stream_options"] = .object(options)
    }
}
