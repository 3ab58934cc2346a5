import Core
import Providers

/// A provider's stream on its way into the caller's API's events. Converse and Google streams become chat
/// chunks first; for an Anthropic caller those chunks then go through the chat → Messages translator.
enum StreamTranslation {
    case chatToAnthropic(ChatToAnthropic.StreamTranslator)
    case anthropicToChat(AnthropicToChat.StreamTranslator)
    case converse(ChatToConverse.StreamTranslator, AnthropicToChat.StreamTranslator?)
    case gemini(ChatToGemini.StreamTranslator, AnthropicToChat.StreamTranslator?)

    /// An event not read against a declaration: a sentinel, a keep-alive, what the inspection will refuse, or
    /// any event of a provider-only format (whose translator reads every member itself).
    mutating func translate(_ event: SSEEvent) -> [SSEEvent] {
        let out: [WireEvent]
        switch self {
        case .chatToAnthropic(var t): out = t.translate(name: event.event, data: event.data); self = .chatToAnthropic(t)
        case .anthropicToChat(var t): out = t.translate(name: event.event, data: event.data); self = .anthropicToChat(t)
        case .converse(var t, var next):
            out = Self.onward(t.translate(name: event.event, data: event.data), &next)
            self = .converse(t, next)
        case .gemini(var t, var next):
            out = Self.onward(t.translate(name: event.event, data: event.data), &next)
            self = .gemini(t, next)
        }
        return out.map { SSEEvent(event: $0.name, data: $0.data) }
    }

    /// An event already parsed and read against the provider's declaration.
    mutating func translate(_ event: SSEEvent, json: JSONValue) -> [SSEEvent] {
        let out: [WireEvent]
        switch self {
        case .chatToAnthropic(var t): out = t.translate(name: event.event, event: json); self = .chatToAnthropic(t)
        case .anthropicToChat(var t): out = t.translate(event: json); self = .anthropicToChat(t)
        case .converse, .gemini: return translate(event)
        }
        return out.map { SSEEvent(event: $0.name, data: $0.data) }
    }

    mutating func finish() -> [SSEEvent] {
        let out: [WireEvent]
        switch self {
        case .chatToAnthropic(var t): out = t.finish(); self = .chatToAnthropic(t)
        case .anthropicToChat(var t): out = t.finish(); self = .anthropicToChat(t)
        case .converse(var t, var next):
            out = Self.onward(t.finish(), &next) + (next?.finish() ?? [])
            self = .converse(t, next)
        case .gemini(var t, var next):
            out = Self.onward(t.finish(), &next) + (next?.finish() ?? [])
            self = .gemini(t, next)
        }
        return out.map { SSEEvent(event: $0.name, data: $0.data) }
    }

    /// Chat chunks on to the Messages translator when the caller speaks Messages.
    private static func onward(_ chunks: [WireEvent], _ next: inout AnthropicToChat.StreamTranslator?) -> [WireEvent] {
        guard next != nil else { return chunks }
        return chunks.flatMap { next!.translate(name: $0.name, data: $0.data) }
    }

    var dropped: [String] {
        switch self {
        case .chatToAnthropic(let t): t.dropped
        case .anthropicToChat(let t): t.dropped
        case .converse(let t, let next): t.dropped + (next?.dropped ?? [])
        case .gemini(let t, let next): t.dropped + (next?.dropped ?? [])
        }
    }

    var failure: UntranslatableAnswer? {
        switch self {
        case .chatToAnthropic(let t): t.failure
        case .anthropicToChat(let t): t.failure
        case .converse(let t, let next): t.failure ?? next?.failure
        case .gemini(let t, let next): t.failure ?? next?.failure
        }
    }

    /// The usage a provider-only format's stream reported (the others are read against their declaration).
    var usage: TokenUsage? {
        switch self {
        case .chatToAnthropic, .anthropicToChat: nil
        case .converse(let t, _): t.usage
        case .gemini(let t, _): t.usage
        }
    }
}
