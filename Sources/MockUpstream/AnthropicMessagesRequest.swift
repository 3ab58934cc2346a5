/// The fields of an Anthropic `POST /v1/messages` body the mock reads; others are ignored.
struct AnthropicMessagesRequest: Decodable, Sendable {
    /// A `content` string or block array; `tool_result` blocks are told apart from text.
    struct Content: Decodable, Sendable {
        var text: String
        var toolResult: String?

        private struct Block: Decodable {
            var type: String?
            var text: String?
            var content: MessageText?
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
        }
    }

    struct Message: Decodable, Sendable {
        var role: String
        var content: Content
    }

    struct Tool: Decodable, Sendable {
        var name: String?
    }

    var model: String?
    var messages: [Message]
    var system: MessageText?
    var maxTokens: Int?
    var stream: Bool?
    var tools: [Tool]?
    var toolChoice: ToolChoice?

    enum CodingKeys: String, CodingKey {
        case model, messages, system, stream, tools
        case maxTokens = "max_tokens"
        case toolChoice = "tool_choice"
    }

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
        return c
    }
}
