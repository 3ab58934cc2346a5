import Core
import Foundation

/// An Anthropic message as a `chat.completion`.
///
/// Content: text blocks joined into `content` (null when none), `tool_use` as function `tool_calls`
/// (arguments = the serialized input), `thinking` text as `reasoning_content`. Dropped and named:
/// `thinking.signature`, `redacted_thinking`, `text.citations`, server tool blocks (by their type),
/// `container`, `context_management`, and any other block type.
extension ChatToAnthropic {
    public static func answer(_ message: JSONValue) throws(UntranslatableAnswer) -> TranslatedAnswer {
        guard case .object(let fields) = message else { throw UntranslatableAnswer(reason: "the answer is not a JSON object") }
        var dropped: [String] = []
        var text: String?
        var reasoning: String?
        var toolCalls: [JSONValue] = []
        for (i, block) in (fields["content"]?.arrayValue ?? []).enumerated() {
            switch block["type"]?.stringValue {
            case "text":
                text = (text ?? "") + (block["text"]?.stringValue ?? "")
                if let citations = block["citations"], citations != .null, citations != [] { note("citations", &dropped) }
            case "thinking":
                reasoning = (reasoning ?? "") + (block["thinking"]?.stringValue ?? "")
                if block["signature"]?.stringValue?.isEmpty == false { note("thinking.signature", &dropped) }
            case "tool_use":
                guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                    throw UntranslatableAnswer(reason: "content[\(i)] tool_use has no id or name")
                }
                guard case .object = block["input"] ?? .null else {
                    throw UntranslatableAnswer(reason: "content[\(i)] tool_use input is not an object")
                }
                toolCalls.append(["id": .string(id), "type": "function",
                                  "function": ["name": .string(name), "arguments": .string(String(decoding: block["input"]!.serialized(), as: UTF8.self))]])
            default:
                note(block["type"]?.stringValue ?? "content block without type", &dropped)
            }
        }
        for key in ["container", "context_management"] where (fields[key] ?? .null) != .null { note(key, &dropped) }

        var assistant: [String: JSONValue] = ["role": "assistant", "content": text.map { .string($0) } ?? .null]
        if !toolCalls.isEmpty { assistant["tool_calls"] = .array(toolCalls) }
        if let reasoning { assistant["reasoning_content"] = .string(reasoning) }
        let completion: JSONValue = [
            "id": fields["id"] ?? .null,
            "object": "chat.completion",
            "created": .integer(now()),
            "model": fields["model"] ?? .null,
            "choices": [["index": 0, "message": .object(assistant),
                         "finish_reason": finishReason(fields["stop_reason"], &dropped), "logprobs": nil]],
            "usage": usage(fields["usage"]),
        ]
        return TranslatedAnswer(json: completion, dropped: dropped)
    }

    static func note(_ name: String, _ dropped: inout [String]) {
        if !dropped.contains(name) { dropped.append(name) }
    }

    static func now() -> Int { Int(Date().timeIntervalSince1970) }

    /// Anthropic `stop_reason` as a chat `finish_reason`; one not known here is "stop", and named.
    static func finishReason(_ stopReason: JSONValue?, _ dropped: inout [String]) -> JSONValue {
        switch stopReason?.stringValue {
        case "end_turn"?, "stop_sequence"?, "pause_turn"?: return "stop"
        case "max_tokens"?, "model_context_window_exceeded"?: return "length"
        case "tool_use"?: return "tool_calls"
        case "refusal"?: return "content_filter"
        case nil: return .null
        case let other?:
            note("stop_reason.\(other)", &dropped)
            return "stop"
        }
    }

    /// Anthropic usage as chat usage: prompt tokens count the cached and cache-writing input too.
    static func usage(_ usage: JSONValue?) -> JSONValue {
        let input = usage?["input_tokens"]?.intValue ?? 0
        let created = usage?["cache_creation_input_tokens"]?.intValue ?? 0
        let read = usage?["cache_read_input_tokens"]?.intValue ?? 0
        let output = usage?["output_tokens"]?.intValue ?? 0
        let prompt = input + created + read
        return ["prompt_tokens": .integer(prompt), "completion_tokens": .integer(output), "total_tokens": .integer(prompt + output),
                "prompt_tokens_details": ["cached_tokens": .integer(read)]]
    }
}
