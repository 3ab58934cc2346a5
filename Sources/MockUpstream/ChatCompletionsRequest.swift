/// The fields of an OpenAI `POST /v1/chat/completions` body the mock reads; others are ignored.
struct ChatCompletionsRequest: Decodable, Sendable {
    struct Message: Decodable, Sendable {
        var role: String
        var content: MessageText?
    }

    struct Tool: Decodable, Sendable {
        struct Function: Decodable, Sendable { var name: String }
        var function: Function?
    }

    struct StreamOptions: Decodable, Sendable {
        var includeUsage: Bool?
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    var model: String?
    var messages: [Message]
    var stream: Bool?
    var streamOptions: StreamOptions?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var tools: [Tool]?
    var toolChoice: ToolChoice?

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, tools
        case streamOptions = "stream_options"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case toolChoice = "tool_choice"
    }

    var conversation: Conversation {
        var c = Conversation()
        for message in messages {
            let text = message.content?.text ?? ""
            c.addPromptText(text)
            if message.role == "user" { c.lastUserText = text }
        }
        if let last = messages.last, last.role == "tool" || last.role == "function" {
            c.trailingToolResult = last.content?.text ?? ""
        }
        c.offeredTools = tools?.compactMap { $0.function?.name } ?? []
        c.toolChoice = toolChoice ?? .auto
        c.maxTokens = maxCompletionTokens ?? maxTokens
        return c
    }
}
