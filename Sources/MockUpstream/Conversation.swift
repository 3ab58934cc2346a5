/// What the mock needs to know of any API request to derive its reply: the last user text, a trailing
/// tool result, the offered tools, the tool choice, the token cap, the stop sequences and the prompt size.
struct Conversation: Sendable {
    /// Text of the last message with the user role ("" when there is none).
    var lastUserText: String = ""
    /// Text of the final message when it is a tool/function result (the caller's second round).
    var trailingToolResult: String?
    /// Unicode scalars of every text the prompt carries (system, messages, tool results).
    var promptScalars: Int = 0
    /// Names of the tools offered, in request order.
    var offeredTools: [String] = []
    var toolChoice: ToolChoice = .auto
    /// `max_tokens` / `max_completion_tokens` / `max_output_tokens`: caps the produced pieces.
    var maxTokens: Int?
    /// Anthropic `stop_sequences`: the text ends before the earliest one it contains.
    var stopSequences: [String] = []
    /// True when the API answers text and a tool call in one reply (Anthropic content blocks), so
    /// `#say-then-tool` keeps its text.
    var answersTextWithToolCall = false

    /// Prompt tokens, approximated as scalars / 4 rounded up.
    var promptTokens: Int { (promptScalars + 3) / 4 }

    mutating func addPromptText(_ text: String) {
        promptScalars += scalarCount(text)
    }
}

/// Unicode scalars in `text`: its UTF-8 bytes minus continuation bytes, in one pass over contiguous
/// storage (`unicodeScalars.count` decodes every scalar and showed in profiles).
func scalarCount(_ text: String) -> Int {
    var text = text
    return text.withUTF8 { bytes in
        var continuation = 0
        for byte in bytes where byte & 0xC0 == 0x80 { continuation += 1 }
        return bytes.count - continuation
    }
}

/// The caller's tool choice, in the union of the OpenAI chat (`{"type":"function","function":{"name"}}`),
/// Responses (`{"type":"function","name"}`) and Anthropic (`{"type":"auto"|"any"|"tool"|"none","name"}`) forms.
enum ToolChoice: Sendable, Equatable, Decodable {
    case none
    case auto
    case required
    case named(String)

    private struct Function: Decodable { var name: String }
    private enum CodingKeys: String, CodingKey { case type, name, function }

    init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let word = try? single.decode(String.self) {
            switch word {
            case "none": self = .none
            case "required", "any": self = .required
            default: self = .auto
            }
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decodeIfPresent(String.self, forKey: .type) ?? "auto"
        let name = try c.decodeIfPresent(String.self, forKey: .name)
            ?? c.decodeIfPresent(Function.self, forKey: .function)?.name
        switch type {
        case "none": self = .none
        case "any", "required": self = .required
        case "function", "tool": self = name.map { .named($0) } ?? .required
        default: self = .auto
        }
    }
}

/// The text of a message `content` in any of the shapes the APIs allow: a string, `null`, or an array
/// of parts whose `text` (or, for Anthropic `tool_result` blocks, nested `content`) is joined with "\n".
/// Parts without text (images, audio) contribute nothing.
struct MessageText: Decodable, Sendable {
    var text: String

    private struct Part: Decodable {
        var text: String?
        var content: MessageText?
        var output: MessageText?
    }

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            text = ""
        } else if let s = try? single.decode(String.self) {
            text = s
        } else {
            let parts = try single.decode([Part].self)
            text = parts.compactMap { $0.text ?? $0.content?.text ?? $0.output?.text }.joined(separator: "\n")
        }
    }
}
