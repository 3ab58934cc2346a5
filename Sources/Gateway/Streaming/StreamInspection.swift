import Core
import Foundation

/// Runs the response guardrails over a streamed answer event by event: every model-written text
/// (`ChatField`, tool-call arguments, the Responses text events of `ResponsesTextEvent`) goes through
/// one filter per slot (choice and field, output item and part, tool call); held-back text is released
/// at the slot's end; events that repeat the whole text (`*.done`, `output_item.done`,
/// `response.completed`) get the filtered text, and text that never streamed is inspected there whole.
/// Events without model text pass through as the provider sent them, byte for byte.
///
/// Fails closed: an event whose JSON the strict parser refuses (duplicate keys, bad escapes...) cannot
/// be inspected and stops the stream, as does a filter that cannot run.
struct StreamInspection {
    /// Why the stream stopped when it was not a guardrail block.
    enum Failure: Equatable {
        /// The provider sent an event the strict JSON parser refuses.
        case uninspectableEvent
        /// A response guardrail could not run (named).
        case controlUnavailable(String)
    }

    let operation: Core.Operation
    private let makeFilter: () -> any ResponseTextFilter
    var filters: [String: any ResponseTextFilter] = [:]
    /// Text released so far per slot (what the caller has seen).
    var released: [String: String] = [:]
    private(set) var findings: [Finding] = []
    private(set) var blocked: Finding?
    private(set) var failure: Failure?
    private(set) var usage: TokenUsage?
    private(set) var sawText = false
    /// Drop the usage-only chunk the gateway asked for when the caller did not.
    let dropUsageChunk: Bool

    init(operation: Core.Operation, dropUsageChunk: Bool, makeFilter: @escaping () -> any ResponseTextFilter) {
        self.operation = operation
        self.dropUsageChunk = dropUsageChunk
        self.makeFilter = makeFilter
    }

    /// True once nothing more may be sent but the final error event.
    var stopped: Bool { blocked != nil || failure != nil }

    /// Transforms one upstream event into the events to send (possibly none, possibly more).
    mutating func process(_ event: SSEEvent) -> [SSEEvent] {
        guard !stopped else { return [] }
        if event.isDone {
            return flushAll() + (stopped ? [] : [event])
        }
        guard operation == .chatCompletions || operation == .responses else { return [event] }
        if event.data.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return [event] }
        guard var json = try? JSONParser.parse(event.data) else {
            failure = .uninspectableEvent
            return []
        }
        if let u = AnswerText.usage(json) { usage = u }
        let out = operation == .chatCompletions ? processChatChunk(&json, event) : processResponsesEvent(&json, event)
        return stopped ? [] : out
    }

    /// At end of stream (no `[DONE]` seen): releases what is still held.
    mutating func finish() -> [SSEEvent] {
        guard !stopped else { return [] }
        return flushAll()
    }

    // MARK: chat.completions

    private mutating func processChatChunk(_ json: inout JSONValue, _ event: SSEEvent) -> [SSEEvent] {
        guard let choices = json["choices"]?.arrayValue else { return [event] }
        if choices.isEmpty, dropUsageChunk, json["usage"] != nil { return [] }
        var changed = false
        for (pos, choice) in choices.enumerated() {
            let index = choice["index"]?.intValue ?? pos
            let delta: [JSONPathComponent] = [.key("choices"), .index(pos), .key("delta")]
            var texts: [(slot: String, path: [JSONPathComponent])] = ChatField.allCases.map { ("c\(index).\($0.rawValue)", $0.path) }
            for (k, call) in (choice["delta"]?["tool_calls"]?.arrayValue ?? []).enumerated() {
                texts.append(("c\(index).t\(call["index"]?.intValue ?? k)", ChatField.toolArguments(k)))
            }
            for (slot, path) in texts {
                guard case .string(let text)? = json.value(at: delta + path) else { continue }
                let out = feed(slot, text)
                if stopped { return [] }
                if out != text { json.set(.string(out), at: delta + path); changed = true }
            }
            if let reason = choice["finish_reason"], reason != .null {
                // The choice ends here: its held-back text must go out in this chunk.
                let rest = flush(prefix: "c\(index).")
                if stopped { return [] }
                if !rest.isEmpty {
                    Self.append(rest, to: &json, delta: delta)
                    changed = true
                }
            }
        }
        return [changed ? reencode(json, like: event) : event]
    }

    /// Adds flushed text to a chat chunk's delta: each field appended, tool arguments as tool-call deltas.
    static func append(_ rest: [(slot: String, text: String)], to json: inout JSONValue, delta: [JSONPathComponent]) {
        if json.value(at: delta) == nil { json.setCreating(.object([:]), at: delta) }
        for (slot, text) in rest {
            let name = slot.split(separator: ".").last.map(String.init) ?? ""
            if name.hasPrefix("t"), let toolIndex = Int(name.dropFirst()) {
                var calls = json.value(at: delta + [.key("tool_calls")])?.arrayValue ?? []
                calls.append(["index": .integer(toolIndex), "function": ["arguments": .string(text)]])
                json.set(.array(calls), at: delta + [.key("tool_calls")])
            } else if let field = ChatField(rawValue: name) {
                let current = json.value(at: delta + field.path)?.stringValue ?? ""
                json.setCreating(.string(current + text), at: delta + field.path)
            }
        }
    }

    // MARK: slots

    mutating func feed(_ slot: String, _ text: String) -> String {
        var filter = filters[slot] ?? makeFilter()
        let out = filter.feed(text)
        filters[slot] = filter
        return absorb(slot, out)
    }

    /// Finishes the filters of the slots starting with `prefix`; returns the released text per slot.
    mutating func flush(prefix: String) -> [(slot: String, text: String)] {
        var out: [(String, String)] = []
        for slot in filters.keys.sorted() where slot.hasPrefix(prefix) {
            guard var filter = filters.removeValue(forKey: slot) else { continue }
            let text = absorb(slot, filter.finish())
            if stopped { return [] }
            if !text.isEmpty { out.append((slot, text)) }
        }
        return out
    }

    /// Finishes one slot's filter; returns the text it still held.
    mutating func flush(slot: String) -> String {
        guard var filter = filters.removeValue(forKey: slot) else { return "" }
        return absorb(slot, filter.finish())
    }

    /// The released text of `slot` (its filter finished first); text that never streamed (`whole`) is
    /// inspected now, once.
    mutating func releasedText(_ slot: String, whole: String) -> String {
        _ = flush(slot: slot)
        if let text = released[slot] { return text }
        var filter = makeFilter()
        let first = absorb(slot, filter.feed(whole))
        return first + absorb(slot, filter.finish())
    }

    mutating func flushAll() -> [SSEEvent] {
        var events: [SSEEvent] = []
        for (slot, text) in flush(prefix: "") {
            guard operation == .chatCompletions, slot.hasPrefix("c"), let index = Int(slot.dropFirst().prefix { $0 != "." }) else {
                continue  // Responses slots end with their `.done` events
            }
            var chunk: JSONValue = ["object": "chat.completion.chunk", "choices": [["index": .integer(index), "delta": [:], "finish_reason": nil]]]
            Self.append([(slot, text)], to: &chunk, delta: [.key("choices"), .index(0), .key("delta")])
            events.append(reencode(chunk, like: SSEEvent(data: [])))
        }
        return stopped ? [] : events
    }

    private mutating func absorb(_ slot: String, _ out: FilterOutput) -> String {
        findings += out.findings
        if let b = out.blocked, blocked == nil { blocked = b }
        if let control = out.unavailable, failure == nil { failure = .controlUnavailable(control) }
        if stopped { return "" }
        if !out.text.isEmpty { sawText = true }
        released[slot, default: ""] += out.text
        return out.text
    }

    func reencode(_ json: JSONValue, like event: SSEEvent) -> SSEEvent {
        SSEEvent(event: event.event, data: json.serialized(), id: event.id)
    }

    /// Output tokens estimated from released text when the provider reported none.
    var releasedCharacterCount: Int { released.values.reduce(0) { $0 + $1.count } }
}

extension JSONValue {
    /// `set(_:at:)` that also creates missing objects along the path.
    mutating func setCreating(_ newValue: JSONValue, at path: [JSONPathComponent]) {
        for n in 1..<max(1, path.count) where value(at: Array(path.prefix(n))) == nil {
            set(.object([:]), at: Array(path.prefix(n)))
        }
        set(newValue, at: path)
    }
}
