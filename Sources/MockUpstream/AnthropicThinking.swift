/// The block that opens an Anthropic answer when the request turns extended thinking on
/// (`thinking: {"type":"enabled","budget_tokens":N}` or `{"type":"adaptive"}`):
/// - a `thinking` block, `Thinking about: <the first 40 Unicode scalars of the prompt>`, with a
///   `signature`: 64 bytes derived from that text (FNV-1a 64 → SplitMix64), base64;
/// - with the prompt `#redacted` or `#redacted REST`, a `redacted_thinking` block whose `data` is 96
///   bytes derived from the prompt, base64; the reply rules then see REST (so `#redacted #say hi` answers
///   `hi`; `#redacted` alone is echoed).
/// The thinking text, cut into pieces of the chunk size, is streamed as `thinking_delta` events and
/// counted in `output_tokens` (a redacted block counts the pieces of the text it stands for); it is never
/// cut by `max_tokens` or stop sequences, which apply to the reply.
struct AnthropicThinking: Sendable {
    enum Kind: Sendable, Equatable {
        case thinking(text: String, signature: String)
        case redacted(data: String)
    }

    let kind: Kind
    /// The thinking text in stream pieces (for a redacted block: what it stands for, for the token count).
    let pieces: [Substring]

    static let redactedPrefix = "#redacted "

    /// The thinking block for a request with thinking on, and the conversation the reply rules see.
    static func derive(_ conversation: Conversation, chunkSize: Int) -> (AnthropicThinking, Conversation) {
        let prompt = conversation.lastUserText.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
        let text = "Thinking about: " + String(Substring(prompt.unicodeScalars.prefix(40)))
        let pieces = ScriptedReply.split(text, chunkSize: chunkSize)
        if prompt == "#redacted" || prompt.hasPrefix(redactedPrefix) {
            var rest = conversation
            let after = prompt.dropFirst(redactedPrefix.count)
            if !after.allSatisfy(\.isWhitespace) { rest.lastUserText = String(after) }
            let data = DeterministicBytes.base64(seed: "redacted_thinking\u{0}" + prompt, count: 96)
            return (AnthropicThinking(kind: .redacted(data: data), pieces: pieces), rest)
        }
        let signature = DeterministicBytes.base64(seed: "signature\u{0}" + text, count: 64)
        return (AnthropicThinking(kind: .thinking(text: text, signature: signature), pieces: pieces), conversation)
    }
}
