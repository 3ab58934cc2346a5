import Core

/// The fields of a Bedrock `Converse` / `ConverseStream` body the mock reads (the model is in the
/// path); `inferenceConfig.temperature`/`topP` and `additionalModelRequestFields` are accepted and ignored.
struct BedrockConverseRequest: Decodable, Sendable {
    struct ToolResultPart: Decodable, Sendable {
        var text: String?
        var json: JSONValue?

        var asText: String? {
            text ?? json.map { String(decoding: $0.serialized(), as: UTF8.self) }
        }
    }

    struct ToolResult: Decodable, Sendable {
        var toolUseId: String?
        var content: [ToolResultPart]?
        var status: String?
    }

    /// One content block: `{text}`, `{image}`, `{toolUse}`, `{toolResult}` (others carry no text).
    struct Block: Decodable, Sendable {
        var text: String?
        var toolResult: ToolResult?
    }

    struct Message: Decodable, Sendable {
        var role: String
        var content: [Block]

        var text: String { content.compactMap(\.text).joined(separator: "\n") }
        var toolResult: String? {
            let results = content.compactMap(\.toolResult)
            guard !results.isEmpty else { return nil }
            return results.map { ($0.content ?? []).compactMap(\.asText).joined(separator: "\n") }.joined(separator: "\n")
        }
    }

    struct InferenceConfig: Decodable, Sendable {
        var maxTokens: Int?
        var stopSequences: [String]?
    }

    struct ToolSpec: Decodable, Sendable { var name: String? }
    struct Tool: Decodable, Sendable { var toolSpec: ToolSpec? }
    struct Named: Decodable, Sendable { var name: String? }
    struct Empty: Decodable, Sendable {}

    /// `{"auto":{}}`, `{"any":{}}` or `{"tool":{"name"}}`.
    struct Choice: Decodable, Sendable {
        var auto: Empty?
        var any: Empty?
        var tool: Named?

        var toolChoice: ToolChoice {
            if let name = tool?.name { return .named(name) }
            return any != nil ? .required : .auto
        }
    }

    struct ToolConfig: Decodable, Sendable {
        var tools: [Tool]?
        var toolChoice: Choice?
    }

    var messages: [Message]
    var system: [Block]?
    var inferenceConfig: InferenceConfig?
    var toolConfig: ToolConfig?

    /// The same conversation the Anthropic route derives from the same exchange, so both answer alike.
    var conversation: Conversation {
        var c = Conversation()
        if let system { c.addPromptText(system.compactMap(\.text).joined(separator: "\n")) }
        for message in messages {
            let text = message.text
            let result = message.toolResult
            c.addPromptText(text)
            if let result { c.addPromptText(result) }
            if message.role == "user", !text.isEmpty || result == nil { c.lastUserText = text }
        }
        if let last = messages.last, last.role == "user", let result = last.toolResult { c.trailingToolResult = result }
        c.offeredTools = toolConfig?.tools?.compactMap { $0.toolSpec?.name } ?? []
        c.toolChoice = toolConfig?.toolChoice?.toolChoice ?? .auto
        c.maxTokens = inferenceConfig?.maxTokens
        c.stopSequences = inferenceConfig?.stopSequences ?? []
        c.answersTextWithToolCall = true
        return c
    }
}
