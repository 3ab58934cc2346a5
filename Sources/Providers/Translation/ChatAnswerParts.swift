import Core

/// Pieces of chat completions (whole and streamed) shared by the translations from upstream formats
/// that have no chat shape of their own (Converse, Gemini), so each is built one way.
enum ChatAnswerParts {
    /// A fresh `chatcmpl-` id, for upstreams that name no answer.
    static func generatedID() -> String {
        "chatcmpl-" + String(UInt64.random(in: 0...UInt64.max), radix: 16) + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// Token usage as chat usage: prompt tokens count the cached and cache-writing input too.
    static func usage(_ usage: TokenUsage) -> JSONValue {
        let prompt = usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens
        return ["prompt_tokens": .integer(prompt), "completion_tokens": .integer(usage.outputTokens),
                "total_tokens": .integer(prompt + usage.outputTokens),
                "prompt_tokens_details": ["cached_tokens": .integer(usage.cacheReadTokens)]]
    }

    /// A function tool call whose arguments are the compact JSON text of `input`.
    static func toolCall(id: String, name: String, input: JSONValue) -> JSONValue {
        ["id": .string(id), "type": "function",
         "function": ["name": .string(name), "arguments": .string(String(decoding: input.serialized(), as: UTF8.self))]]
    }

    /// A `chat.completion` with one choice.
    static func completion(id: JSONValue, model: JSONValue, text: String?, toolCalls: [JSONValue], finishReason: JSONValue,
                           usage: TokenUsage?) -> JSONValue {
        var message: [String: JSONValue] = ["role": "assistant", "content": text.map { .string($0) } ?? .null]
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }
        var completion: [String: JSONValue] = [
            "id": id, "object": "chat.completion", "created": .integer(ChatToAnthropic.now()), "model": model,
            "choices": [["index": 0, "message": .object(message), "finish_reason": finishReason, "logprobs": nil]],
        ]
        if let usage { completion["usage"] = Self.usage(usage) }
        return .object(completion)
    }

    /// An OpenAI error body (`{"error":{"message","type","param","code"}}`), also the error chunk of a stream.
    static func error(message: String, type: String, code: String?) -> JSONValue {
        ["error": ["message": .string(message), "type": .string(type), "param": nil, "code": code.map { .string($0) } ?? .null]]
    }

    /// An OpenAI error body whose type follows the HTTP status, as for Anthropic errors.
    static func error(message: String, status: Int, code: String?) -> JSONValue {
        let (type, _) = ErrorBodies.openAIType(anthropic: ErrorBodies.anthropicType(status: status))
        return error(message: message, type: type, code: code)
    }

    /// The chunks of one streamed answer: same id, model and creation time on each.
    struct Chunks: Sendable {
        var id: JSONValue
        var model: JSONValue
        let created = ChatToAnthropic.now()

        func base() -> [String: JSONValue] {
            ["id": id, "object": "chat.completion.chunk", "created": .integer(created), "model": model]
        }

        func delta(_ delta: [String: JSONValue], finishReason: JSONValue = .null) -> WireEvent {
            var chunk = base()
            chunk["choices"] = [["index": 0, "delta": .object(delta), "finish_reason": finishReason]]
            return .json(.object(chunk))
        }

        /// The usage-only chunk (`choices: []`) OpenAI sends last when `stream_options.include_usage` is set.
        func usage(_ usage: TokenUsage) -> WireEvent {
            var chunk = base()
            chunk["choices"] = []
            chunk["usage"] = ChatAnswerParts.usage(usage)
            return .json(.object(chunk))
        }

        func toolCallStart(index: Int, id: String, name: String, arguments: String = "") -> WireEvent {
            delta(["tool_calls": [["index": .integer(index), "id": .string(id), "type": "function",
                                   "function": ["name": .string(name), "arguments": .string(arguments)]]]])
        }

        func toolCallArguments(index: Int, _ fragment: String) -> WireEvent {
            delta(["tool_calls": [["index": .integer(index), "function": ["arguments": .string(fragment)]]]])
        }
    }
}
