import Core

/// The Responses API side of `StreamInspection`: text delta events feed slot `o<output>.<family>.<part>`;
/// `.done` events release the rest (as one more delta) and carry the filtered whole text; parts, items
/// and the final response are rewritten from the released text, and text that never streamed is
/// inspected where it appears.
extension StreamInspection {
    mutating func processResponsesEvent(_ json: inout JSONValue, _ event: SSEEvent) -> [SSEEvent] {
        let type = json["type"]?.stringValue ?? event.event ?? ""
        let o = json["output_index"]?.intValue ?? 0
        if let (family, isDelta) = ResponsesTextEvent.match(type) {
            let part = family.partIndex.flatMap { json[$0]?.intValue } ?? 0
            let slot = "o\(o).\(family.family).\(part)"
            if isDelta {
                guard case .string(let text)? = json["delta"] else { return [event] }
                let out = feed(slot, text)
                if stopped { return [] }
                if out == text { return [event] }
                json["delta"] = .string(out)
                return out.isEmpty ? [] : [reencode(json, like: event)]
            }
            var emitted: [SSEEvent] = []
            let rest = flush(slot: slot)
            if stopped { return [] }
            if !rest.isEmpty {
                var delta = json
                delta["type"] = .string(family.prefix + ".delta")
                delta["delta"] = .string(rest)
                delta[family.doneField] = nil
                emitted.append(reencode(delta, like: SSEEvent(event: event.event == nil ? nil : family.prefix + ".delta", data: [])))
            }
            if case .string(let whole)? = json[family.doneField] {
                json[family.doneField] = .string(releasedText(slot, whole: whole))
            }
            return emitted + [reencode(json, like: event)]
        }
        switch type {
        case "response.content_part.added", "response.content_part.done":
            let c = json["content_index"]?.intValue ?? 0
            for (field, family) in [("text", json["part"]?["type"]?.stringValue == "reasoning_text" ? "reasoning" : "text"), ("refusal", "refusal")] {
                if case .string(let whole)? = json["part"]?[field] {
                    json.set(.string(releasedText("o\(o).\(family).\(c)", whole: whole)), at: [.key("part"), .key(field)])
                }
            }
            return [reencode(json, like: event)]
        case "response.reasoning_summary_part.added", "response.reasoning_summary_part.done":
            let s = json["summary_index"]?.intValue ?? 0
            if case .string(let whole)? = json["part"]?["text"] {
                json.set(.string(releasedText("o\(o).summary.\(s)", whole: whole)), at: [.key("part"), .key("text")])
            }
            return [reencode(json, like: event)]
        case "response.output_item.added", "response.output_item.done":
            rewriteItem(&json, at: [.key("item")], outputIndex: o)
            return [reencode(json, like: event)]
        case "response.created", "response.in_progress", "response.completed", "response.incomplete", "response.failed":
            let rest = type == "response.created" || type == "response.in_progress" ? [] : flushAll()
            if stopped { return [] }
            for (i, _) in (json["response"]?["output"]?.arrayValue ?? []).enumerated() {
                rewriteItem(&json, at: [.key("response"), .key("output"), .index(i)], outputIndex: i)
            }
            return rest + [reencode(json, like: event)]
        default:
            return [event]
        }
    }

    /// Puts the released (or, never streamed, now inspected) text into every text field of an item.
    private mutating func rewriteItem(_ json: inout JSONValue, at path: [JSONPathComponent], outputIndex o: Int) {
        guard let item = json.value(at: path) else { return }
        for field in ResponsesItemText.fields(item) {
            let text = releasedText("o\(o).\(field.family).\(field.part)", whole: field.text)
            if stopped { return }
            json.set(.string(text), at: path + field.path)
        }
    }
}
