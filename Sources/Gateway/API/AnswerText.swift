import Core

/// Where model-written text sits in provider answers, per API: the places the response guardrails
/// must read and may rewrite. A slot key identifies one continuous text stream (choice, item, tool call).
enum AnswerText {
    struct Slot {
        let key: String
        let path: [JSONPathComponent]
        let text: String
    }

    /// Text in a complete (non-streamed) answer.
    static func slots(inAnswer json: JSONValue, operation: Core.Operation) -> [Slot] {
        var out: [Slot] = []
        switch operation {
        case .chatCompletions:
            for (i, choice) in (json["choices"]?.arrayValue ?? []).enumerated() {
                let base: [JSONPathComponent] = [.key("choices"), .index(i), .key("message")]
                if case .string(let s)? = choice["message"]?["content"] {
                    out.append(Slot(key: "c\(i)", path: base + [.key("content")], text: s))
                }
                for (k, call) in (choice["message"]?["tool_calls"]?.arrayValue ?? []).enumerated() {
                    if case .string(let s)? = call["function"]?["arguments"] {
                        out.append(Slot(key: "c\(i)t\(k)", path: base + [.key("tool_calls"), .index(k), .key("function"), .key("arguments")], text: s))
                    }
                }
            }
        case .responses:
            for (i, item) in (json["output"]?.arrayValue ?? []).enumerated() {
                for (j, part) in (item["content"]?.arrayValue ?? []).enumerated() {
                    if case .string(let s)? = part["text"] {
                        out.append(Slot(key: "o\(i).\(j)", path: [.key("output"), .index(i), .key("content"), .index(j), .key("text")], text: s))
                    }
                }
                if case .string(let s)? = item["arguments"] {
                    out.append(Slot(key: "o\(i)a", path: [.key("output"), .index(i), .key("arguments")], text: s))
                }
            }
        case .embeddings, .modelsList, .messages:
            break
        }
        return out
    }

    /// Token usage as reported in an answer or a final stream event.
    static func usage(_ json: JSONValue) -> TokenUsage? {
        let u = json["usage"] ?? json["response"]?["usage"]
        guard let u, case .object = u else { return nil }
        let input = u["prompt_tokens"]?.intValue ?? u["input_tokens"]?.intValue ?? 0
        let output = u["completion_tokens"]?.intValue ?? u["output_tokens"]?.intValue ?? 0
        return TokenUsage(inputTokens: input, outputTokens: output)
    }
}
