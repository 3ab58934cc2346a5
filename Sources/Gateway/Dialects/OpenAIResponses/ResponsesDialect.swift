import Core

/// `POST /v1/responses`, OpenAI's Responses API.
struct ResponsesDialect: APIDialect {
    var operation: Core.Operation { .responses }
    var api: String { "openai.responses" }
    var requestShape: ObjectShape { ResponsesRequestShape.request }
    var answerShape: ObjectShape { ResponsesAnswerShape.response }

    func complete(_ request: inout AIRequest) throws(GatewayError) {
        let body = request.body
        request.stream = body["stream"]?.boolValue ?? false
        request.maxTokens = body["max_output_tokens"]?.intValue
        request.continuation = body["previous_response_id"]?.stringValue
        let includesLogprobs = body["include"]?.arrayValue?.contains(.string("message.output_text.logprobs")) == true
        request.asksForLogprobs = includesLogprobs || (body["top_logprobs"]?.intValue ?? 0) > 0
    }

    func makeStreamGrammar() -> (any StreamGrammar)? { ResponsesStreamGrammar() }

    func usage(in json: JSONValue) -> TokenUsage? {
        guard case .object(let u)? = json["usage"] ?? json["response"]?["usage"] else { return nil }
        return TokenUsage(inputTokens: u["input_tokens"]?.intValue ?? 0, outputTokens: u["output_tokens"]?.intValue ?? 0)
    }

    func streamError(code: String, message: String) -> [SSEEvent] {
        let body: JSONValue = ["type": "error", "code": .string(code), "message": .string(message), "param": nil]
        return [SSEEvent(event: "error", data: body.serialized())]
    }

    func toolsRemoved(_ removed: [AITool], kept: [AITool], from body: inout JSONValue) {
        if body["tools"]?.arrayValue?.isEmpty == true { body["tools"] = nil }
        let keptNames = Set(kept.map(\.name))
        if kept.isEmpty {
            body["tool_choice"] = nil
            body["parallel_tool_calls"] = nil
            return
        }
        let choice = body["tool_choice"]
        let forced: String? = switch choice?["type"]?.stringValue {
        case "function"?, "custom"?: choice?["name"]?.stringValue
        case "mcp"?: choice?["server_label"]?.stringValue.map { "mcp:" + $0 }
        case let type?: type == "allowed_tools" ? nil : type
        case nil: nil
        }
        if let forced, !keptNames.contains(forced), !keptNames.contains(where: { forced.hasPrefix("web_search") && $0 == "web_search" }) {
            body["tool_choice"] = "auto"
        }
    }

    func capOutput(_ body: inout JSONValue, at cap: Int) {
        body["max_output_tokens"] = .integer(cap)
    }

    func continuationCreated(by json: JSONValue) -> String? {
        // A complete answer is the response; a stream names it in its `response.*` events.
        if json["object"]?.stringValue == "response" { return json["id"]?.stringValue }
        return json["response"]?["id"]?.stringValue
    }
}
