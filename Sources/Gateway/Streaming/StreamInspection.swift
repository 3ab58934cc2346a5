import Core
import Foundation

/// Runs the response guardrails over a streamed answer event by event: text deltas go through one
/// filter per slot (choice, output item, tool call); held-back text is released at the slot's end;
/// events that repeat the full text (`*.done`, `response.completed`) get the filtered text.
/// Events without model text pass through as the provider sent them, byte for byte.
struct StreamInspection {
    private let operation: Core.Operation
    private let makeFilter: () -> any ResponseTextFilter
    private var filters: [String: any ResponseTextFilter] = [:]
    /// Text released so far per slot (what the caller has seen).
    private var released: [String: String] = [:]
    private(set) var findings: [Finding] = []
    private(set) var blocked: Finding?
    private(set) var usage: TokenUsage?
    private(set) var sawText = false
    /// Drop the usage-only chunk the gateway asked for when the caller did not.
    private let dropUsageChunk: Bool

    init(operation: Core.Operation, dropUsageChunk: Bool, makeFilter: @escaping () -> any ResponseTextFilter) {
        self.operation = operation
        self.dropUsageChunk = dropUsageChunk
        self.makeFilter = makeFilter
    }

    /// Transforms one upstream event into the events to send (possibly none, possibly more).
    mutating func process(_ event: SSEEvent) -> [SSEEvent] {
        if event.isDone {
            return flushAll() + [event]
        }
        guard blocked == nil, var json = try? JSONParser.parse(event.data) else {
            return blocked == nil ? [event] : []
        }
        if let u = AnswerText.usage(json) { usage = u }
        switch operation {
        case .chatCompletions: return processChatChunk(&json, event)
        case .responses: return processResponsesEvent(&json, event)
        default: return [event]
        }
    }

    /// At end of stream (no `[DONE]` seen): releases what is still held.
    mutating func finish() -> [SSEEvent] { flushAll() }

    // MARK: chat.completions

    private mutating func processChatChunk(_ json: inout JSONValue, _ event: SSEEvent) -> [SSEEvent] {
        guard let choices = json["choices"]?.arrayValue else { return [event] }
        if choices.isEmpty, dropUsageChunk, json["usage"] != nil { return [] }
        var changed = false
        for (pos, choice) in choices.enumerated() {
            let index = choice["index"]?.intValue ?? pos
            let delta: [JSONPathComponent] = [.key("choices"), .index(pos), .key("delta")]
            if case .string(let text)? = choice["delta"]?["content"] {
                let out = feed("c\(index)", text)
                if blocked != nil { return [] }
                if out != text { json.set(.string(out), at: delta + [.key("content")]); changed = true }
            }
            for (k, call) in (choice["delta"]?["tool_calls"]?.arrayValue ?? []).enumerated() {
                guard case .string(let args)? = call["function"]?["arguments"] else { continue }
                let slot = "c\(index)t\(call["index"]?.intValue ?? k)"
                let out = feed(slot, args)
                if blocked != nil { return [] }
                if out != args {
                    json.set(.string(out), at: delta + [.key("tool_calls"), .index(k), .key("function"), .key("arguments")])
                    changed = true
                }
            }
            if let reason = choice["finish_reason"], reason != .null {
                // The choice ends here: its held-back text and tool arguments must go out in this chunk.
                let rest = flushChoice(index)
                if blocked != nil { return [] }
                if !rest.isEmpty {
                    if json.value(at: delta) == nil { json.set(.object([:]), at: [.key("choices"), .index(pos), .key("delta")]) }
                    Self.append(rest, to: &json, delta: delta)
                    changed = true
                }
            }
        }
        return [changed ? reencode(json, like: event) : event]
    }

    // MARK: responses

    private mutating func processResponsesEvent(_ json: inout JSONValue, _ event: SSEEvent) -> [SSEEvent] {
        let type = json["type"]?.stringValue ?? event.event ?? ""
        let o = json["output_index"]?.intValue ?? 0
        let c = json["content_index"]?.intValue ?? 0
        switch type {
        case "response.output_text.delta":
            guard case .string(let text)? = json["delta"] else { return [event] }
            let out = feed("o\(o).\(c)", text)
            if blocked != nil { return [] }
            if out == text { return [event] }
            json["delta"] = .string(out)
            return out.isEmpty ? [] : [reencode(json, like: event)]
        case "response.function_call_arguments.delta":
            guard case .string(let text)? = json["delta"] else { return [event] }
            let out = feed("o\(o)a", text)
            if blocked != nil { return [] }
            json["delta"] = .string(out)
            return out == text ? [event] : [reencode(json, like: event)]
        case "response.output_text.done":
            let slot = "o\(o).\(c)"
            var emitted: [SSEEvent] = []
            let rest = flushSlots(prefix: slot)
            if blocked != nil { return [] }
            if !rest.isEmpty {
                var delta = json
                delta["type"] = "response.output_text.delta"
                delta["delta"] = .string(rest)
                delta["text"] = nil
                emitted.append(reencode(delta, like: SSEEvent(event: event.event == nil ? nil : "response.output_text.delta", data: [])))
            }
            json["text"] = .string(released[slot] ?? "")
            return emitted + [reencode(json, like: event)]
        case "response.function_call_arguments.done":
            let slot = "o\(o)a"
            _ = flushSlots(prefix: slot)
            if blocked != nil { return [] }
            json["arguments"] = .string(released[slot] ?? "")
            return [reencode(json, like: event)]
        case "response.content_part.done":
            if json["part"]?["text"] != nil { json.set(.string(released["o\(o).\(c)"] ?? ""), at: [.key("part"), .key("text")]) }
            return [reencode(json, like: event)]
        case "response.output_item.done":
            rewriteItem(&json, at: [.key("item")], outputIndex: o)
            return [reencode(json, like: event)]
        case "response.completed", "response.incomplete", "response.failed":
            let rest = flushAll()
            if blocked != nil { return [] }
            for (i, _) in (json["response"]?["output"]?.arrayValue ?? []).enumerated() {
                rewriteItem(&json, at: [.key("response"), .key("output"), .index(i)], outputIndex: i)
            }
            return rest + [reencode(json, like: event)]
        default:
            return [event]
        }
    }

    private func rewriteItem(_ json: inout JSONValue, at path: [JSONPathComponent], outputIndex o: Int) {
        guard let item = json.value(at: path) else { return }
        for (j, part) in (item["content"]?.arrayValue ?? []).enumerated() where part["text"] != nil {
            json.set(.string(released["o\(o).\(j)"] ?? ""), at: path + [.key("content"), .index(j), .key("text")])
        }
        if item["arguments"] != nil, let args = released["o\(o)a"] {
            json.set(.string(args), at: path + [.key("arguments")])
        }
    }

    // MARK: slots

    private mutating func feed(_ slot: String, _ text: String) -> String {
        var filter = filters[slot] ?? makeFilter()
        let out = filter.feed(text)
        filters[slot] = filter
        return absorb(slot, out)
    }

    /// Finishes the filters of one chat choice; returns released text per slot (`content` or a tool index).
    private mutating func flushChoice(_ index: Int) -> [(slot: String, text: String)] {
        var out: [(String, String)] = []
        let prefix = "c\(index)"
        for slot in filters.keys.sorted() where slot == prefix || slot.hasPrefix(prefix + "t") {
            guard var filter = filters.removeValue(forKey: slot) else { continue }
            let text = absorb(slot, filter.finish())
            if !text.isEmpty { out.append((slot, text)) }
        }
        return out
    }

    /// Finishes one slot's filter (Responses API items); returns the released text.
    private mutating func flushSlots(prefix: String) -> String {
        guard var filter = filters.removeValue(forKey: prefix) else { return "" }
        return absorb(prefix, filter.finish())
    }

    /// Adds flushed text to a chat chunk's delta: content appended, tool arguments as tool-call deltas.
    private static func append(_ rest: [(slot: String, text: String)], to json: inout JSONValue, delta: [JSONPathComponent]) {
        for (slot, text) in rest {
            if let t = slot.firstIndex(of: "t"), let toolIndex = Int(slot[slot.index(after: t)...]) {
                var calls = json.value(at: delta + [.key("tool_calls")])?.arrayValue ?? []
                calls.append(["index": .integer(toolIndex), "function": ["arguments": .string(text)]])
                json.set(.array(calls), at: delta + [.key("tool_calls")])
            } else {
                let current = json.value(at: delta + [.key("content")])?.stringValue ?? ""
                json.set(.string(current + text), at: delta + [.key("content")])
            }
        }
    }

    private mutating func flushAll() -> [SSEEvent] {
        var events: [SSEEvent] = []
        for slot in filters.keys.sorted() {
            guard var filter = filters.removeValue(forKey: slot) else { continue }
            let text = absorb(slot, filter.finish())
            if blocked != nil { return [] }
            if !text.isEmpty, operation == .chatCompletions, slot.hasPrefix("c"),
               let index = Int(slot.dropFirst().prefix { $0 != "t" }) {
                var chunk: JSONValue = ["object": "chat.completion.chunk", "choices": [["index": .integer(index), "delta": [:], "finish_reason": nil]]]
                Self.append([(slot, text)], to: &chunk, delta: [.key("choices"), .index(0), .key("delta")])
                events.append(reencode(chunk, like: SSEEvent(data: [])))
            }
        }
        return events
    }

    private mutating func absorb(_ slot: String, _ out: FilterOutput) -> String {
        findings += out.findings
        if let b = out.blocked, blocked == nil { blocked = b }
        if !out.text.isEmpty { sawText = true }
        released[slot, default: ""] += out.text
        return out.text
    }

    private func reencode(_ json: JSONValue, like event: SSEEvent) -> SSEEvent {
        SSEEvent(event: event.event, data: json.serialized(), id: event.id)
    }

    /// Output tokens estimated from released text when the provider reported none.
    var releasedCharacterCount: Int { released.values.reduce(0) { $0 + $1.count } }
}
