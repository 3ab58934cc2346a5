/// The fields of an Anthropic `POST /v1/messages` (and `/v1/messages/count_tokens`) body the mock reads;
/// others are ignored.
struct AnthropicMessagesRequest: Decodable, Sendable {
    /// A `content` (or `system`) string or block array; `tool_result` blocks are told apart from text, and
    /// a `cache_control` mark on any block is noted.
    struct Content: Decodable, Sendable {
        var text: String
        var toolResult: String?
        /// True when a block carries `cache_control` (a prompt-caching breakpoint).
        var marked = false

        private struct Mark: Decodable {}

        private struct Block: Decodable {
            var type: String?
            var text: String?
            var content: MessageText?
            var cacheControl: Mark?

            enum CodingKeys: String, CodingKey {
                case type, text, content
                case cacheControl = "cache_control"
            }
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                text = s
                return
            }
            let blocks = try c.decode([Block].self)
            text = blocks.compactMap { $0.type == "tool_result" ? nil : $0.text }.joined(separator: "\n")
            let results = blocks.filter { $0.type == "tool_result" }
            if !results.isEmpty {
                toolResult = results.map { $0.content?.text ?? "" }.joined(separator: "\n")
            }
            marked = blocks.contains { $0.cacheControl != nil }
        }
    }

    struct Message: Decodable, Sendable {
        var role: String
        var content: Content
    }

    struct Tool: Decodable, Sendable {
        var name: String?
    }

    /// `{"type":"enabled","budget_tokens":N}`, `{"type":"adaptive"}` or `{"type":"disabled"}`.
    struct Thinking: Decodable, Sendable {
        var type: String?
    }

    var model: String?
    var messages: [Message]
    var system: Content?
    var maxTokens: Int?
    var stream: Bool?
    var tools: [Tool]?
    var toolChoice: ToolChoice?
    var thinking: Thinking?
    var stopSequences: [String]?

    enum CodingKeys: String, CodingKey {
        case model, messages, system, stream, tools, thinking
        case maxTokens = "max_tokens"
        case toolChoice = "tool_choice"
        case stopSequences = "stop_sequences"
    }

    /// True when the request asks for extended thinking (`enabled` or `adaptive`).
    var thinkingIsOn: Bool { thinking?.type == "enabled" || thinking?.type == "adaptive" }

    var conversation: Conversation {
        var c = Conversation()
        if let system { c.addPromptText(system.text) }
        for message in messages {
            c.addPromptText(message.content.text)
            if let result = message.content.toolResult { c.addPromptText(result) }
            if message.role == "user", !message.content.text.isEmpty || message.content.toolResult == nil {
                c.lastUserText = message.content.text
            }
        }
        if let last = messages.last, last.role == "user", let result = last.content.toolResult {
            c.trailingToolResult = result
        }
        c.offeredTools = tools?.compactMap(\.name) ?? []
        c.toolChoice = toolChoice ?? .auto
        c.maxTokens = maxTokens
        c.stopSequences = stopSequences ?? []
        c.answersTextWithToolCall = true
        return c
    }

    /// The cached prefix of the prompt: the system prompt and messages up to and including the last one
    /// with a `cache_control` mark on any of its blocks (the whole of that message counts), keyed by
    /// model and text; nil when nothing is marked. Its tokens are counted as the prompt's are.
    var cachedPrefix: AnthropicPromptCache.Prefix? {
        var parts: [(role: String, content: Content)] = []
        parts.reserveCapacity(messages.count + 1)
        if let system { parts.append(("system", system)) }
        for message in messages { parts.append((message.role, message.content)) }
        guard let last = parts.lastIndex(where: { $0.content.marked }) else { return nil }
        var key = DeterministicBytes()
        key.mix(model ?? "")
        var scalars = 0
        for part in parts[...last] {
            key.mix(0)
            key.mix(part.role)
            key.mix(0)
            key.mix(part.content.text)
            scalars += scalarCount(part.content.text)
            if let result = part.content.toolResult {
                key.mix(1)
                key.mix(result)
                scalars += scalarCount(result)
            }
        }
        return .init(key: key.hash, tokens: (scalars + 3) / 4)
    }
}
