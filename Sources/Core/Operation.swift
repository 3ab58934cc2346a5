/// The kind of API call, independent of wire format. Its `rawValue` is the Cedar action id
/// (`Action::"chat.completions"`).
public enum Operation: String, Sendable, Hashable, Codable, CaseIterable {
    case chatCompletions = "chat.completions"
    case responses = "responses"
    case embeddings = "embeddings"
    case modelsList = "models.list"
    /// Anthropic Messages (`POST /v1/messages`).
    case messages = "messages"
    /// Anthropic's token count of a Messages request (`POST /v1/messages/count_tokens`): the provider reads
    /// the whole request, so it is inspected, decided and recorded like one; nothing is generated.
    case messagesCountTokens = "messages.count_tokens"
    /// MCP (`/mcp/<server>`): the governed JSON-RPC methods, each its own Cedar action. The list methods act
    /// on the server (`MCPServer::"<server>"`), the others on one tool, resource or prompt.
    case toolsList = "tools/list"
    case toolsCall = "tools/call"
    case resourcesList = "resources/list"
    case resourcesRead = "resources/read"
    case promptsList = "prompts/list"
    case promptsGet = "prompts/get"

    /// The MCP methods among the operations.
    public var isMCP: Bool {
        switch self {
        case .toolsList, .toolsCall, .resourcesList, .resourcesRead, .promptsList, .promptsGet: true
        case .chatCompletions, .responses, .embeddings, .modelsList, .messages, .messagesCountTokens: false
        }
    }
}
