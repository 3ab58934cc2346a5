import Core

/// A chat completion stream: `chat.completion.chunk` events and the `[DONE]` sentinel. A choice's texts end
/// with its `finish_reason` (their held-back text goes out in that chunk); whatever is still held at `[DONE]`
/// goes out in chunks of its own just before it.
struct ChatStreamGrammar: StreamGrammar {
    static let done = Array("[DONE]".utf8)

    func shape(of event: JSONValue, name: String?) -> ObjectShape? { ChatAnswerShape.chunk }

    func isSentinel(_ event: SSEEvent) -> Bool { event.data == Self.done }

    func isTerminal(_ event: SSEEvent, json: JSONValue?) -> Bool { event.data == Self.done }

    func endingSlots(of event: JSONValue) -> [String] {
        (event["choices"]?.arrayValue ?? []).enumerated().compactMap { position, choice in
            guard let reason = choice["finish_reason"], reason != .null else { return nil }
            return "c\(choice["index"]?.intValue ?? position)."
        }
    }

    mutating func carry(_ remainders: [(slot: String, text: String)], into event: inout JSONValue) -> [JSONValue] {
        guard case .array(var choices)? = event["choices"] else { return closing(remainders) }
        var unplaced: [(slot: String, text: String)] = []
        for (slot, text) in remainders {
            guard let (choice, field, call) = ChatSlot.parse(slot),
                let position = choices.enumerated().first(where: { ($0.element["index"]?.intValue ?? $0.offset) == choice })?.offset
            else {
                unplaced.append((slot, text))
                continue
            }
            var delta = choices[position]["delta"] ?? .object([:])
            field.append(text, toolCall: call, to: &delta)
            choices[position]["delta"] = delta
        }
        event["choices"] = .array(choices)
        return closing(unplaced)
    }

    func closing(_ remainders: [(slot: String, text: String)]) -> [JSONValue] {
        remainders.compactMap { slot, text in
            guard let (choice, field, call) = ChatSlot.parse(slot) else { return nil }
            var delta: JSONValue = .object([:])
            field.append(text, toolCall: call, to: &delta)
            return ["object": "chat.completion.chunk", "choices": [["index": .integer(choice), "delta": delta, "finish_reason": nil]]]
        }
    }

    func isProviderError(_ event: JSONValue) -> Bool { event["error"] != nil }

    func isForGatewayOnly(_ event: JSONValue, callerWantsUsage: Bool) -> Bool {
        !callerWantsUsage && event["choices"]?.arrayValue?.isEmpty == true && event["usage"] != nil
    }
}
