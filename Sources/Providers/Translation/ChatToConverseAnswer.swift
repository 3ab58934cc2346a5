import Core

/// A Converse answer as a `chat.completion`.
///
/// Content: text blocks joined into `content` (null when none), `toolUse` blocks as function `tool_calls`
/// (arguments = the compact input). Every member is switched over; dropped and named: `metrics`, `trace`,
/// `performanceConfig`, `serviceTier`, `additionalModelResponseFields`, `reasoningContent`,
/// `citationsContent` and every other block kind (`output.message.content[].<kind>`), and any member not
/// known here (by its path). Converse names no answer: the id is generated, the model is the caller's.
extension ChatToConverse {
    public static func answer(_ converse: JSONValue, model: JSONValue = .null) throws(UntranslatableAnswer) -> TranslatedAnswer {
        guard case .object(let fields) = converse else { throw UntranslatableAnswer(reason: "the answer is not a JSON object") }
        var dropped: [String] = []
        var text: String?
        var toolCalls: [JSONValue] = []
        for key in fields.keys.sorted() {
            let value = fields[key]!
            switch key {
            case "output":
                for outputKey in (value.objectValue ?? [:]).keys.sorted() where outputKey != "message" { ChatToAnthropic.note("output.\(outputKey)", &dropped) }
                let message = value["message"] ?? .null
                for messageKey in (message.objectValue ?? [:]).keys.sorted() where messageKey != "role" && messageKey != "content" {
                    ChatToAnthropic.note("output.message.\(messageKey)", &dropped)
                }
                for (i, block) in (message["content"]?.arrayValue ?? []).enumerated() {
                    try content(block, "output.message.content[\(i)]", text: &text, toolCalls: &toolCalls, dropped: &dropped)
                }
            case "stopReason", "usage":
                continue  // read below
            case "metrics", "trace", "performanceConfig", "serviceTier", "additionalModelResponseFields":
                if value != .null { ChatToAnthropic.note(key, &dropped) }
            default:
                ChatToAnthropic.note(key, &dropped)
            }
        }
        for key in (fields["usage"]?.objectValue ?? [:]).keys.sorted() where !usageMembers.contains(key) {
            ChatToAnthropic.note("usage.\(key)", &dropped)
        }
        let completion = ChatAnswerParts.completion(
            id: .string(ChatAnswerParts.generatedID()), model: model, text: text, toolCalls: toolCalls,
            finishReason: finishReason(fields["stopReason"], &dropped), usage: usage(converse) ?? TokenUsage())
        return TranslatedAnswer(json: completion, dropped: dropped)
    }

    /// One content block (a union: one member names its kind).
    private static func content(_ block: JSONValue, _ place: String, text: inout String?, toolCalls: inout [JSONValue],
                                dropped: inout [String]) throws(UntranslatableAnswer) {
        guard case .object(let members) = block else { throw UntranslatableAnswer(reason: "\(place) is not an object") }
        for kind in members.keys.sorted() {
            let value = members[kind]!
            switch kind {
            case "text":
                guard let t = value.stringValue else { throw UntranslatableAnswer(reason: "\(place).text is not a string") }
                text = (text ?? "") + t
            case "toolUse":
                guard let id = value["toolUseId"]?.stringValue, let name = value["name"]?.stringValue else {
                    throw UntranslatableAnswer(reason: "\(place).toolUse has no toolUseId or name")
                }
                guard case .object = value["input"] ?? .null else { throw UntranslatableAnswer(reason: "\(place).toolUse input is not an object") }
                for key in (value.objectValue ?? [:]).keys.sorted() where !["toolUseId", "name", "input"].contains(key) {
                    ChatToAnthropic.note("output.message.content[].toolUse.\(key)", &dropped)
                }
                toolCalls.append(ChatAnswerParts.toolCall(id: id, name: name, input: value["input"]!))
            default:
                ChatToAnthropic.note("output.message.content[].\(kind)", &dropped)
            }
        }
    }

    static let usageMembers: Set<String> = ["inputTokens", "outputTokens", "totalTokens", "cacheReadInputTokens", "cacheWriteInputTokens"]

    /// Converse `stopReason` as a chat `finish_reason`; one not known here is "stop", and named.
    static func finishReason(_ stopReason: JSONValue?, _ dropped: inout [String]) -> JSONValue {
        switch stopReason?.stringValue {
        case "end_turn"?, "stop_sequence"?: return "stop"
        case "max_tokens"?, "model_context_window_exceeded"?: return "length"
        case "tool_use"?: return "tool_calls"
        case "guardrail_intervened"?, "content_filtered"?: return "content_filter"
        case nil: return .null
        case let other?:
            ChatToAnthropic.note("stopReason.\(other)", &dropped)
            return "stop"
        }
    }

    /// The token usage of a Converse answer (or of a stream's `metadata` event), for budgets; nil when it
    /// reports none. `inputTokens` excludes the input read from and written to the prompt cache.
    public static func usage(_ converse: JSONValue) -> TokenUsage? {
        guard case .object(let numbers)? = converse["usage"] else { return nil }
        return TokenUsage(inputTokens: numbers["inputTokens"]?.intValue ?? 0, outputTokens: numbers["outputTokens"]?.intValue ?? 0,
                          cacheWriteTokens: numbers["cacheWriteInputTokens"]?.intValue ?? 0,
                          cacheReadTokens: numbers["cacheReadInputTokens"]?.intValue ?? 0)
    }
}
