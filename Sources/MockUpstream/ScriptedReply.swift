/// The deterministic reply to a conversation. Rules, first match wins (the prompt is the last user
/// message, leading whitespace ignored):
/// 1. `tool_choice` names a tool → call it (arguments from a `#tool NAME {json}` or `#say-then-tool`
///    prompt for that tool, else `{}`); `tool_choice` required/any with tools offered → call the
///    commanded tool if it is offered, else the first offered tool. A forced call has no text before it.
/// 2. The final message is a tool result → `Tool result: <its text>`.
/// 3. `#tool NAME {json}` → a call of NAME with arguments `{json}` (default `{}`) when NAME is offered
///    and tool_choice is not none; otherwise the text `No tool named NAME was offered.`
/// 4. `#say-then-tool TEXT|NAME {json}` → the text TEXT (up to the first `|`), then a call of NAME, in
///    one answer (an Anthropic text block, then a tool_use block); same conditions and fallback as
///    `#tool`. APIs that answer one thing (chat, Responses) answer the call alone.
/// 5. `#say TEXT` → exactly TEXT.
/// 6. `#lorem N` → N deterministic words ("lorem ipsum dolor ...", cycled), for long streams.
/// 7. Anything else → `Echo: <prompt>`.
/// Text is cut before the earliest stop sequence it contains (Anthropic `stop_sequences`), then into
/// pieces of `chunkSize` Unicode scalars (the stream deltas); `max_tokens` caps the number of pieces
/// (finish reason `length`). Generation that ends inside the text of a text-then-call answer (a stop
/// sequence, the cap) ends the answer there: no call follows. `completion_tokens` is the number of
/// pieces produced (a call counts at least 1).
struct ScriptedReply: Sendable {
    enum Content: Sendable, Equatable {
        case text(String)
        case toolCall(name: String, arguments: String)
    }

    /// What the rules ask for, before stop sequences and the cap.
    enum Script: Sendable, Equatable {
        case text(String)
        case toolCall(name: String, arguments: String)
        case textThenToolCall(text: String, name: String, arguments: String)
    }

    let content: Content
    /// The produced text (or tool arguments), cut into stream pieces.
    let pieces: [Substring]
    /// True when `max_tokens` cut the text short.
    let truncated: Bool
    /// The text actually produced (after the stop sequence and the cap); for a tool call, its arguments.
    let producedText: String
    /// The stop sequence the text ended on (the text stops before it), if any.
    let stopSequence: String?
    /// The text said before a tool call (`#say-then-tool`), and its pieces; empty otherwise.
    let leadText: String
    let leadPieces: [Substring]

    var completionTokens: Int { leadPieces.count + max(pieces.count, isToolCall ? 1 : 0) }
    var isToolCall: Bool { if case .toolCall = content { true } else { false } }

    init(conversation: Conversation, chunkSize: Int) {
        var lead = ""
        var leadPieces: [Substring] = []
        let script = Self.derive(conversation)
        switch script {
        case .text(let text), .textThenToolCall(let text, _, _):
            let said = Said(text, conversation, chunkSize: chunkSize)
            if case .textThenToolCall(_, let name, let arguments) = script, !said.truncated, said.stop == nil {
                lead = said.text
                leadPieces = said.pieces
                self.content = .toolCall(name: name, arguments: arguments)
                self.pieces = Self.split(arguments, chunkSize: chunkSize)
                self.truncated = false
                self.producedText = arguments
                self.stopSequence = nil
            } else {
                self.content = .text(text)
                self.pieces = said.pieces
                self.truncated = said.truncated
                self.producedText = said.text
                self.stopSequence = said.stop
            }
        case .toolCall(let name, let arguments):
            self.content = .toolCall(name: name, arguments: arguments)
            self.pieces = Self.split(arguments, chunkSize: chunkSize)
            self.truncated = false
            self.producedText = arguments
            self.stopSequence = nil
        }
        self.leadText = lead
        self.leadPieces = leadPieces
    }

    /// Text as produced: cut before the earliest stop sequence, then capped at `max_tokens` pieces.
    struct Said {
        var text: String
        var pieces: [Substring]
        var truncated = false
        var stop: String?

        init(_ full: String, _ conversation: Conversation, chunkSize: Int) {
            text = full
            var end: String.Index?
            for candidate in conversation.stopSequences where !candidate.isEmpty {
                if let found = full.unicodeScalars.firstRange(of: candidate.unicodeScalars),
                    end.map({ found.lowerBound < $0 }) ?? true
                {
                    end = found.lowerBound
                    stop = candidate
                }
            }
            if let end { text = String(Substring(full.unicodeScalars[..<end])) }
            pieces = ScriptedReply.split(text, chunkSize: chunkSize)
            if let cap = conversation.maxTokens, cap >= 0, pieces.count > cap {
                pieces.removeSubrange(cap...)
                truncated = true
                stop = nil
                text = String(Substring(text.unicodeScalars[..<(pieces.last?.endIndex ?? text.startIndex)]))
            }
        }
    }

    static func derive(_ conversation: Conversation) -> Script {
        let prompt = conversation.lastUserText.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
        let sayThenTool = parseSayThenTool(prompt)
        let command = parseToolCommand(prompt) ?? sayThenTool.map { (name: $0.name, arguments: $0.arguments) }
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
            guard conversation.toolChoice != .none, offered.contains(command.name) else {
                return .text("No tool named \(command.name) was offered.")
            }
            if let sayThenTool, conversation.answersTextWithToolCall {
                return .textThenToolCall(text: sayThenTool.text, name: command.name, arguments: command.arguments)
            }
            return .toolCall(name: command.name, arguments: command.arguments)
        }
        if prompt.hasPrefix("#say ") {
            return .text(String(prompt.dropFirst(5)))
        }
        if prompt.hasPrefix("#lorem "), let count = Int(prompt.dropFirst(7).trimmingSpaces()), count >= 0 {
            return .text(lorem(words: min(count, 1_000_000)))
        }
        return .text("Echo: \(conversation.lastUserText)")
    }

    /// `#say-then-tool TEXT|NAME {json}` → (TEXT, NAME, {json} or "{}"). TEXT runs to the first `|`.
    static func parseSayThenTool(_ prompt: Substring) -> (text: String, name: String, arguments: String)? {
        guard prompt.hasPrefix("#say-then-tool "), let bar = prompt.firstIndex(of: "|") else { return nil }
        let text = prompt[prompt.index(prompt.startIndex, offsetBy: 15)..<bar]
        guard let command = parseToolCommand(Substring("#tool " + prompt[prompt.index(after: bar)...])) else { return nil }
        return (String(text), command.name, command.arguments)
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
