/// The deterministic reply to a conversation. Rules, first match wins (the prompt is the last user
/// message, leading whitespace ignored):
/// 1. `tool_choice` names a tool → call it (arguments from a `#tool NAME {json}` prompt for that
///    tool, else `{}`); `tool_choice` required/any with tools offered → call the `#tool` one if it is
///    offered, else the first offered tool.
/// 2. The final message is a tool result → `Tool result: <its text>`.
/// 3. `#tool NAME {json}` → a call of NAME with arguments `{json}` (default `{}`) when NAME is offered
///    and tool_choice is not none; otherwise the text `No tool named NAME was offered.`
/// 4. `#say TEXT` → exactly TEXT.
/// 5. `#lorem N` → N deterministic words ("lorem ipsum dolor ...", cycled), for long streams.
/// 6. Anything else → `Echo: <prompt>`.
/// Text is cut into pieces of `chunkSize` Unicode scalars (the stream deltas); `max_tokens` caps the number
/// of pieces (finish reason `length`). `completion_tokens` is the number of pieces produced.
struct ScriptedReply: Sendable {
    enum Content: Sendable, Equatable {
        case text(String)
        case toolCall(name: String, arguments: String)
    }

    let content: Content
    /// The produced text (or tool arguments), cut into stream pieces.
    let pieces: [Substring]
    /// True when `max_tokens` cut the text short.
    let truncated: Bool
    /// The text actually produced (after truncation); for a tool call, its arguments.
    let producedText: String

    var completionTokens: Int { max(pieces.count, isToolCall ? 1 : 0) }
    var isToolCall: Bool { if case .toolCall = content { true } else { false } }
    init(conversation: Conversation, chunkSize: Int) {
        let content = Self.derive(conversation)
        self.content = content
        switch content {
        case .text(let text):
            var pieces = Self.split(text, chunkSize: chunkSize)
            var truncated = false
            if let cap = conversation.maxTokens, cap >= 0, pieces.count > cap {
                pieces.removeSubrange(cap...)
                truncated = true
            }
            self.pieces = pieces
            self.truncated = truncated
            self.producedText =
                truncated ? String(Substring(text.unicodeScalars[..<(pieces.last?.endIndex ?? text.startIndex)])) : text
        case .toolCall(_, let arguments):
            self.pieces = Self.split(arguments, chunkSize: chunkSize)
            self.truncated = false
            self.producedText = arguments
        }
    }

    static func derive(_ conversation: Conversation) -> Content {
        let prompt = conversation.lastUserText.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
        let command = parseToolCommand(prompt)
        let offered = conversation.offeredTools
        switch conversation.toolChoice {
        case .named(let name):
            let arguments = command?.name == name ? command!.arguments : "{}"
            return .toolCall(name: name, arguments: arguments)
        case .required where !offered.isEmpty:
            if let command, offered.contains(command.name) {
                return .toolCall(name: command.name, arguments: command.arguments)
            }
            return .toolCall(name: offered[0], arguments: "{}")
        default:
            break
        }
        if let result = conversation.trailingToolResult {
            return .text("Tool result: \(result)")
        }
        if let command {
            if conversation.toolChoice != .none, offered.contains(command.name) {
                return .toolCall(name: command.name, arguments: command.arguments)
            }
            return .text("No tool named \(command.name) was offered.")
        }
        if prompt.hasPrefix("#say ") {
            return .text(String(prompt.dropFirst(5)))
        }
        if prompt.hasPrefix("#lorem "), let count = Int(prompt.dropFirst(7).trimmingSpaces()), count >= 0 {
            return .text(lorem(words: min(count, 1_000_000)))
        }
        return .text("Echo: \(conversation.lastUserText)")
    }

    /// `#tool NAME {json}` → (NAME, {json} or "{}").
    static func parseToolCommand(_ prompt: Substring) -> (name: String, arguments: String)? {
        guard prompt.hasPrefix("#tool ") else { return nil }
        let rest = prompt.dropFirst(6).drop(while: { $0 == " " })
        let name = rest.prefix(while: { !$0.isWhitespace })
        guard !name.isEmpty else { return nil }
        let arguments = rest.dropFirst(name.count).trimmingSpaces()
        return (String(name), arguments.isEmpty ? "{}" : String(arguments))
    }

    /// Cuts `text` into pieces of `chunkSize` Unicode scalars (the last may be shorter).
    static func split(_ text: String, chunkSize: Int) -> [Substring] {
        var pieces: [Substring] = []
        pieces.reserveCapacity(text.utf8.count / max(1, chunkSize) + 1)
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: one byte per scalar, and UTF-8 offsets are O(1) on native strings.
            let utf8 = text.utf8
            var start = utf8.startIndex
            while start < utf8.endIndex {
                let end = utf8.index(start, offsetBy: chunkSize, limitedBy: utf8.endIndex) ?? utf8.endIndex
                pieces.append(Substring(utf8[start..<end]))
                start = end
            }
            return pieces
        }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        while start < scalars.endIndex {
            let end = scalars.index(start, offsetBy: chunkSize, limitedBy: scalars.endIndex) ?? scalars.endIndex
            pieces.append(Substring(scalars[start..<end]))
            start = end
        }
        return pieces
    }

    private static let loremWords = [
        "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
        "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua",
    ]

    static func lorem(words: Int) -> String {
        var out = ""
        out.reserveCapacity(words * 7)
        for i in 0..<words {
            if i > 0 { out.append(" ") }
            out.append(loremWords[i % loremWords.count])
        }
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return self[first...last]
    }
}
