import Core

/// A streamed Messages answer: typed events named by their type, ending with `message_stop` (or an `error`
/// event, which ends it too). A content block's text ends with its `content_block_stop`: its held-back text
/// goes out just before, as one more `content_block_delta` of the block's kind.
struct MessagesStreamGrammar: StreamGrammar {
    /// Delta type and member of each slot family.
    static let families: [String: (delta: String, member: String)] = [
        "text": ("text_delta", "text"), "json": ("input_json_delta", "partial_json"), "thinking": ("thinking_delta", "thinking"),
    ]

    static func type(of event: JSONValue, name: String?) -> String? { event["type"]?.stringValue ?? name }

    func shape(of event: JSONValue, name: String?) -> ObjectShape? {
        Self.type(of: event, name: name).flatMap { MessagesAnswerShape.events[$0] }
    }

    func isSentinel(_ event: SSEEvent) -> Bool { false }

    func isTerminal(_ event: SSEEvent, json: JSONValue?) -> Bool {
        let type = json.flatMap { Self.type(of: $0, name: event.event) } ?? event.event
        return type == "message_stop" || type == "error"
    }

    func endingSlots(of event: JSONValue) -> [String] {
        switch Self.type(of: event, name: nil) {
        case "content_block_stop": ["b\(event["index"]?.intValue ?? 0)."]
        case "message_delta", "message_stop", "error": [""]
        default: []
        }
    }

    mutating func carry(_ remainders: [(slot: String, text: String)], into event: inout JSONValue) -> [JSONValue] {
        closing(remainders)
    }

    func closing(_ remainders: [(slot: String, text: String)]) -> [JSONValue] {
        remainders.compactMap { slot, text in
            let parts = slot.split(separator: ".")
            guard parts.count == 2, parts[0].first == "b", let index = Int(parts[0].dropFirst()),
                let family = Self.families[String(parts[1])]
            else { return nil }
            return [
                "type": "content_block_delta", "index": .integer(index),
                "delta": .object(["type": .string(family.delta), family.member: .string(text)]),
            ]
        }
    }

    func isForGatewayOnly(_ event: JSONValue, callerWantsUsage: Bool) -> Bool { false }

    func isProviderError(_ event: JSONValue) -> Bool { Self.type(of: event, name: nil) == "error" }

    /// Each event is named by its type, as Anthropic's stream does.
    func eventName(of event: JSONValue) -> String? { event["type"]?.stringValue }
}
