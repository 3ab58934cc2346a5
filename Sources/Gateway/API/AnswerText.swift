import Core

/// Where model-written text sits in provider answers, per API: the places the response guardrails
/// must read and may rewrite (see `ChatField`, `ResponsesItemText`). A slot key identifies one
/// continuous text stream (choice and field, output item and part, tool call).
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
                guard let message = choice["message"] else { continue }
                for field in ChatField.allCases {
                    if case .string(let s)? = message.value(at: field.path) {
                        out.append(Slot(key: "c\(i).\(field.rawValue)", path: base + field.path, text: s))
                    }
                }
                for (k, _) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
                    if case .string(let s)? = message.value(at: ChatField.toolArguments(k)) {
                        out.append(Slot(key: "c\(i).t\(k)", path: base + ChatField.toolArguments(k), text: s))
                    }
                }
            }
        case .responses:
            for (i, item) in (json["output"]?.arrayValue ?? []).enumerated() {
                for field in ResponsesItemText.fields(item) {
                    out.append(Slot(key: "o\(i).\(field.family).\(field.part)", path: [.key("output"), .index(i)] + field.path, text: field.text))
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
