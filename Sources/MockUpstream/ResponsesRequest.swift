/// The fields of an OpenAI `POST /v1/responses` body the mock reads; others are ignored.
struct ResponsesRequest: Decodable, Sendable {
    /// One `input` item: a message (`role` + `content`) or a `function_call_output` (`output`).
    struct Item: Decodable, Sendable {
        var type: String?
        var role: String?
        var content: MessageText?
        var output: MessageText?
    }

    enum Input: Decodable, Sendable {
        case text(String)
        case items([Item])

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let text = try? c.decode(String.self) {
                self = .text(text)
            } else {
                self = .items(try c.decode([Item].self))
            }
        }
    }

    struct Tool: Decodable, Sendable {
        var type: String?
        var name: String?
    }

    var model: String?
    var input: Input?
    var instructions: String?
    var stream: Bool?
    var maxOutputTokens: Int?
    var tools: [Tool]?
    var toolChoice: ToolChoice?

    enum CodingKeys: String, CodingKey {
        case model, input, instructions, stream, tools
        case maxOutputTokens = "max_output_tokens"
        case toolChoice = "tool_choice"
    }

    var conversation: Conversation {
        var c = Conversation()
        if let instructions { c.addPromptText(instructions) }
        switch input {
        case .text(let text):
            c.addPromptText(text)
            c.lastUserText = text
        case .items(let items):
            for item in items {
                if item.type == "function_call_output" {
                    let text = item.output?.text ?? ""
                    c.addPromptText(text)
                    continue
                }
                let text = item.content?.text ?? ""
                c.addPromptText(text)
                if item.role == "user" { c.lastUserText = text }
            }
            if let last = items.last, last.type == "function_call_output" {
                c.trailingToolResult = last.output?.text ?? ""
            }
        case nil:
            break
        }
        c.offeredTools = tools?.compactMap { $0.type == nil || $0.type == "function" ? $0.name : nil } ?? []
        c.toolChoice = toolChoice ?? .auto
        c.maxTokens = maxOutputTokens
        return c
    }
}
