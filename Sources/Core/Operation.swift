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
}
