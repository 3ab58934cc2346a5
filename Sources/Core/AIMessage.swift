/// One piece of conversation text, in the provider-neutral form the controls inspect.
public struct AIMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case system, developer, user, assistant, tool
        /// Embedding inputs and other text with no conversational role.
        case input
    }

    public var role: Role
    public var text: String
    /// Where the text sits in the body (`messages[2].content[0].text`), so obligations can rewrite exactly
    /// that place.
    public var location: JSONLocation

    public init(role: Role, text: String, location: JSONLocation) {
        self.role = role
        self.text = text
        self.location = location
    }
}
