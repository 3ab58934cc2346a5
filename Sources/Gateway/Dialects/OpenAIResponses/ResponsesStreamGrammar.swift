import Core

/// A streamed Responses answer: typed events, ending with `response.completed` (or `failed`/`incomplete`).
/// A text slot ends with its `.done` event, with its item's `output_item.done`, or with the final response;
/// its held-back text goes out first, as one more delta event of its family.
struct ResponsesStreamGrammar: StreamGrammar {
    /// Item ids by output index, so a carried delta names its item as the provider's deltas do.
    private var itemIDs: [Int: String] = [:]

    /// Delta event type and part-index member of each slot family.
    static let families: [String: (event: String, part: String?)] = [
        "text": ("response.output_text.delta", "content_index"),
        "refusal": ("response.refusal.delta", "content_index"),
        "args": ("response.function_call_arguments.delta", nil),
        "mcpargs": ("response.mcp_call_arguments.delta", nil),
        "input": ("response.custom_tool_call_input.delta", nil),
        "code": ("response.code_interpreter_call_code.delta", nil),
        "summary": ("response.reasoning_summary_text.delta", "summary_index"),
        "reasoning": ("response.reasoning_text.delta", "content_index"),
        "command": ("response.shell_call_command.delta", "command_index"),
    ]

    static func type(of event: JSONValue, name: String?) -> String? { event["type"]?.stringValue ?? name }

    func shape(of event: JSONValue, name: String?) -> ObjectShape? {
        guard let type = Self.type(of: event, name: name) else { return nil }
        return ResponsesEvents.shapes[type]
    }

    /// Some OpenAI-compatible servers end a Responses stream with chat's `[DONE]` as well: passed on.
    func isSentinel(_ event: SSEEvent) -> Bool { event.data == ChatStreamGrammar.done }

    /// Each event is named by its type, as OpenAI's stream does.
    func eventName(of event: JSONValue) -> String? { event["type"]?.stringValue }

    func isTerminal(_ event: SSEEvent, json: JSONValue?) -> Bool {
        let type = json.flatMap { Self.type(of: $0, name: event.event) } ?? event.event ?? ""
        return type == "response.completed" || type == "response.failed" || type == "response.incomplete"
    }

    func endingSlots(of event: JSONValue) -> [String] {
        guard let type = Self.type(of: event, name: nil) else { return [] }
        let output = event["output_index"]?.intValue ?? 0
        switch type {
        case "response.completed", "response.failed", "response.incomplete": return [""]
        case "response.output_item.done": return ["o\(output)."]
        default:
            guard type.hasSuffix(".done"), let family = Self.families.first(where: { $0.value.event == type.dropLast(5) + ".delta" }) else {
                return []
            }
            let part = family.value.part.flatMap { event[$0]?.intValue } ?? 0
            return ["o\(output).\(family.key).\(part)"]
        }
    }

    mutating func carry(_ remainders: [(slot: String, text: String)], into event: inout JSONValue) -> [JSONValue] {
        closing(remainders)
    }

    func closing(_ remainders: [(slot: String, text: String)]) -> [JSONValue] {
        remainders.compactMap { slot, text in
            let parts = slot.split(separator: ".")
            guard parts.count == 3, parts[0].first == "o", let output = Int(parts[0].dropFirst()), let part = Int(parts[2]),
                let family = Self.families[String(parts[1])]
            else { return nil }
            var event: JSONValue = ["type": .string(family.event), "output_index": .integer(output), "delta": .string(text)]
            if let name = family.part { event[name] = .integer(part) }
            if let id = itemIDs[output] { event["item_id"] = .string(id) }
            return event
        }
    }

    func isForGatewayOnly(_ event: JSONValue, callerWantsUsage: Bool) -> Bool { false }

    func isProviderError(_ event: JSONValue) -> Bool {
        let type = Self.type(of: event, name: nil)
        return type == "error" || type == "response.failed"
    }

    /// Notes the item id of an output index from any event that names both.
    mutating func observe(_ event: JSONValue) {
        if let output = event["output_index"]?.intValue, let id = event["item_id"]?.stringValue ?? event["item"]?["id"]?.stringValue {
            itemIDs[output] = id
        }
    }
}
