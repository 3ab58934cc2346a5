import Core

/// Where model-written text sits in a chat choice (`message` of a complete answer, `delta` of a stream
/// chunk): the answer, a refusal, reasoning (vLLM's reasoning parser and DeepSeek write
/// `reasoning_content`, OpenRouter and newer vLLM `reasoning`), the legacy `function_call` arguments and
/// the transcript of spoken output. Tool-call arguments are per call (`tool_calls[k]`).
enum ChatField: String, CaseIterable, Sendable {
    case content, refusal, reasoningContent, reasoning, functionCall, transcript

    /// Path of the text inside `message` / `delta`.
    var path: [JSONPathComponent] {
        switch self {
        case .content: [.key("content")]
        case .refusal: [.key("refusal")]
        case .reasoningContent: [.key("reasoning_content")]
        case .reasoning: [.key("reasoning")]
        case .functionCall: [.key("function_call"), .key("arguments")]
        case .transcript: [.key("audio"), .key("transcript")]
        }
    }

    static func toolArguments(_ k: Int) -> [JSONPathComponent] {
        [.key("tool_calls"), .index(k), .key("function"), .key("arguments")]
    }
}

/// The Responses API's streamed text: each delta event family, the field its `.done` event repeats the
/// whole text in, and the index that tells its parts apart within one output item.
struct ResponsesTextEvent: Sendable {
    /// Event type prefix: `response.output_text` → `.delta` / `.done`.
    let prefix: String
    /// Field of the `.done` event holding the whole text.
    let doneField: String
    /// Slot family (see `TextSlot`).
    let family: String
    /// Index field separating parts of one item (`content_index`, `summary_index`), if any.
    let partIndex: String?

    static let all: [ResponsesTextEvent] = [
        .init(prefix: "response.output_text", doneField: "text", family: "text", partIndex: "content_index"),
        .init(prefix: "response.refusal", doneField: "refusal", family: "refusal", partIndex: "content_index"),
        .init(prefix: "response.function_call_arguments", doneField: "arguments", family: "args", partIndex: nil),
        .init(prefix: "response.reasoning_summary_text", doneField: "text", family: "summary", partIndex: "summary_index"),
        .init(prefix: "response.reasoning_text", doneField: "text", family: "reasoning", partIndex: "content_index"),
        .init(prefix: "response.custom_tool_call_input", doneField: "input", family: "input", partIndex: nil),
        .init(prefix: "response.mcp_call_arguments", doneField: "arguments", family: "args", partIndex: nil),
        .init(prefix: "response.code_interpreter_call_code", doneField: "code", family: "code", partIndex: nil),
    ]

    /// The event family of `type` and whether it is the `.delta` (true) or the `.done` (false) event.
    static func match(_ type: String) -> (ResponsesTextEvent, delta: Bool)? {
        for e in all {
            if type == e.prefix + ".delta" { return (e, true) }
            if type == e.prefix + ".done" { return (e, false) }
        }
        return nil
    }
}

/// The text fields of one Responses output item (in a complete answer, an `output_item.done` event or
/// the final `response.completed`), each with the slot family and part index its stream used.
enum ResponsesItemText {
    struct Field {
        let path: [JSONPathComponent]
        let family: String
        let part: Int
        let text: String
    }

    static func fields(_ item: JSONValue) -> [Field] {
        var out: [Field] = []
        func add(_ path: [JSONPathComponent], _ family: String, _ part: Int) {
            if case .string(let s)? = item.value(at: path) { out.append(Field(path: path, family: family, part: part, text: s)) }
        }
        switch item["type"]?.stringValue ?? "message" {
        case "message":
            for (j, part) in (item["content"]?.arrayValue ?? []).enumerated() {
                if part["refusal"] != nil { add([.key("content"), .index(j), .key("refusal")], "refusal", j) }
                if part["text"] != nil { add([.key("content"), .index(j), .key("text")], "text", j) }
            }
        case "reasoning":
            for (s, _) in (item["summary"]?.arrayValue ?? []).enumerated() { add([.key("summary"), .index(s), .key("text")], "summary", s) }
            for (j, _) in (item["content"]?.arrayValue ?? []).enumerated() { add([.key("content"), .index(j), .key("text")], "reasoning", j) }
        case "custom_tool_call":
            add([.key("input")], "input", 0)
        case "code_interpreter_call":
            add([.key("code")], "code", 0)
            for (k, _) in (item["outputs"]?.arrayValue ?? []).enumerated() { add([.key("outputs"), .index(k), .key("logs")], "logs\(k)", 0) }
        case "mcp_call":
            add([.key("arguments")], "args", 0)
            add([.key("output")], "output", 0)
        default:
            add([.key("arguments")], "args", 0)  // function_call and other tool calls
        }
        return out
    }
}
