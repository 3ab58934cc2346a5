/// The kind of API call, independent of wire format. Its `rawValue` is the Cedar action id
/// (`Action::"chat.completions"`).
public enum Operation: String, Sendable, Hashable, Codable, CaseIterable {
    case chatCompletions = "chat.completions"
    case responses = "responses"
    case embeddings = "embeddings"
    case modelsList = "models.list"
    case messages = "messages"
}
