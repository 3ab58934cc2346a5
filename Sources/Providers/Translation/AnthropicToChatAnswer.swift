import Core

/// A `chat.completion` as an Anthropic message.
///
/// The first choice is the answer (the request asked for one); its text becomes a text block, its
/// `tool_calls` (and a legacy `function_call`) `tool_use` blocks whose input is the parsed arguments — which
/// must be a JSON object, else the answer is untranslatable. A `refusal` becomes a text block and the stop
/// reason `refusal` (what Anthropic itself answers). Dropped and named: `reasoning_content`, `reasoning`,
/// `thinking`, `reasoning_details`, `annotations`, `logprobs`, `audio`, further choices.
extension AnthropicToChat {
    public static func answer(_ completion: JSONValue) throws(UntranslatableAnswer) -> TranslatedAnswer {
        guard case .object(let fields) = completion else { throw UntranslatableAnswer(reason: "the answer is not a JSON object") }
        var dropped: [String] = []
        let choices = fields["choices"]?.arrayValue ?? []
        guard let choice = choices.first else { throw UntranslatableAnswer(reason: "the answer has no choice") }
        if choices.count > 1 { ChatToAnthropic.note("choices[1...]", &dropped) }
        if let logprobs = choice["logprobs"], logprobs != .null { ChatToAnthropic.note("logprobs", &dropped) }
        let message = choice["message"] ?? .null

        var content: [JSONValue] = []
        var refused = false
        if let text = TranslationReading.plainText(message["content"]), !text.isEmpty {
            content.append(["type": "text", "text": .string(text)])
        } else if let other = message["content"], other != .null, TranslationReading.plainText(other) == nil {
            throw UntranslatableAnswer(reason: "message.content is neither text nor text parts")
        }
        if let refusal = message["refusal"]?.stringValue, !refusal.isEmpty {
            content.append(["type": "text", "text": .string(refusal)])
            refused = true
        }
        for (j, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            guard call["type"] == "function" || call["type"] == nil, let function = call["function"] else {
                throw UntranslatableAnswer(reason: "tool_calls[\(j)] is not a function call")
            }
            content.append(try toolUse(id: call["id"]?.stringValue, function, "tool_calls[\(j)]"))
        }
        if let function = message["function_call"], function != .null {
            content.append(try toolUse(id: nil, function, "function_call"))
        }
        for key in ["reasoning_content", "reasoning", "thinking", "reasoning_details", "annotations", "audio"] {
            switch message[key] {
            case nil, .null?, .array([])?, .string("")?: continue
            default: ChatToAnthropic.note(key, &dropped)
            }
        }

        let usage = fields["usage"]
        let cached = usage?["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        let prompt = usage?["prompt_tokens"]?.intValue ?? 0
        let answer: JSONValue = [
            "id": fields["id"] ?? .null,
            "type": "message",
            "role": "assistant",
            "model": fields["model"] ?? .null,
            "content": .array(content),
            "stop_reason": refused ? "refusal" : stopReason(choice["finish_reason"], &dropped),
            "stop_sequence": nil,
            "usage": ["input_tokens": .integer(max(0, prompt - cached)), "output_tokens": .integer(usage?["completion_tokens"]?.intValue ?? 0),
                      "cache_read_input_tokens": .integer(cached), "cache_creation_input_tokens": 0],
        ]
        return TranslatedAnswer(json: answer, dropped: dropped)
    }

    /// A chat function call as a `tool_use` block; a missing id (legacy `function_call`) becomes `call_function`.
    static func toolUse(id: String?, _ function: JSONValue, _ place: String) throws(UntranslatableAnswer) -> JSONValue {
        guard let name = function["name"]?.stringValue else { throw UntranslatableAnswer(reason: "\(place) has no name") }
        let input: JSONValue?
        switch function["arguments"] {
        case .string(let text)?: input = TranslationReading.argumentsObject(text)
        case .object?: input = function["arguments"]
        case nil, .null?: input = .object([:])
        default: input = nil
        }
        guard let input else {
            throw UntranslatableAnswer(reason: "\(place) arguments are not a JSON object")
        }
        return ["type": "tool_use", "id": .string(id ?? "call_function"), "name": .string(name), "input": input]
    }

    /// Chat `finish_reason` as Anthropic `stop_reason`; one not known here is `end_turn`, and named.
    static func stopReason(_ finishReason: JSONValue?, _ dropped: inout [String]) -> JSONValue {
        switch finishReason?.stringValue {
        case "stop"?: return "end_turn"
        case "length"?: return "max_tokens"
        case "tool_calls"?, "function_call"?: return "tool_use"
        case "content_filter"?: return "refusal"
        case nil: return .null
        case let other?:
            ChatToAnthropic.note("finish_reason.\(other)", &dropped)
            return "end_turn"
        }
    }
}
