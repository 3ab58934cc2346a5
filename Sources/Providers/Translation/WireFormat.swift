/// The wire format of a request or answer body: a client API's, or an upstream's.
public enum WireFormat: String, Sendable {
    case openAIChat = "openai.chat_completions"
    case anthropicMessages = "anthropic.messages"
}
