import Core
import Guardrails
import Testing

@testable import Gateway

/// Every model-written text of an answer goes through the response guardrails — streamed and not — and
/// what cannot be inspected stops the answer (issue 6 review: refusal, reasoning, legacy function calls,
/// Responses reasoning/refusal events; unparseable events; filters that cannot run).
@Suite("Response inspection: all answer text, fail closed")
struct StreamInspectionTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration())
    static let email = "jane.doe@example.com"

    static func inspection(_ operation: Core.Operation, vault: PseudonymVault = PseudonymVault()) -> StreamInspection {
        StreamInspection(operation: operation, dropUsageChunk: false) {
            GuardrailResponseFilter(filter: engine.makeResponseFilter(obligations: Obligations(redact: ["pii", "secret"]), vault: vault))
        }
    }

    static func event(_ json: JSONValue, name: String? = nil) -> SSEEvent { SSEEvent(event: name, data: json.serialized()) }

    /// Splits `text` into 3-scalar pieces, as a model streams it.
    static func pieces(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        return stride(from: 0, to: s.count, by: 3).map { String(String.UnicodeScalarView(s[$0..<min(s.count, $0 + 3)])) }
    }

    /// Runs chat chunks carrying `text` in `field` of the delta; returns the concatenated field text the caller gets.
    static func chatStream(field: [String], text: String) throws -> (String, StreamInspection) {
        var inspection = inspection(.chatCompletions)
        var out: [SSEEvent] = []
        for piece in pieces(text) {
            var delta: JSONValue = [:]
            delta.setCreating(.string(piece), at: field.map { .key($0) })
            out += inspection.process(event(["choices": [["index": 0, "delta": delta, "finish_reason": nil]]]))
        }
        out += inspection.process(event(["choices": [["index": 0, "delta": [:], "finish_reason": "stop"]]]))
        out += inspection.process(SSEEvent(data: Array("[DONE]".utf8)))
        var joined = ""
        for e in out where !e.isDone {
            let json = try JSONParser.parse(e.data)
            joined += json["choices"]?[0]?["delta"]?.value(at: field.map { .key($0) })?.stringValue ?? ""
        }
        return (joined, inspection)
    }

    @Test("streamed chat: content, refusal, reasoning_content, reasoning, function_call and transcript are redacted",
          arguments: [["content"], ["refusal"], ["reasoning_content"], ["reasoning"], ["function_call", "arguments"], ["audio", "transcript"]])
    func chatFields(_ field: [String]) throws {
        let (joined, inspection) = try Self.chatStream(field: field, text: "write to \(Self.email) please")
        #expect(joined == "write to [EMAIL_1] please")
        #expect(inspection.findings.map(\.category) == ["pii.email"])
    }

    @Test("complete chat answer: every text field is a slot")
    func completeChatSlots() throws {
        let answer: JSONValue = ["choices": [["index": 0, "message": [
            "content": "a", "refusal": "b", "reasoning_content": "c", "reasoning": "d",
            "function_call": ["name": "f", "arguments": "e"], "audio": ["transcript": "g"],
            "tool_calls": [["function": ["name": "t", "arguments": "h"]]],
        ]]]]
        let slots = AnswerText.slots(inAnswer: answer, operation: .chatCompletions)
        #expect(slots.map(\.text).sorted() == ["a", "b", "c", "d", "e", "g", "h"])
        for slot in slots { #expect(answer.value(at: slot.path)?.stringValue == slot.text) }
    }

    @Test("complete Responses answer: message text and refusal, reasoning summary and text, tool input")
    func completeResponsesSlots() throws {
        let answer: JSONValue = ["output": [
            ["type": "reasoning", "summary": [["type": "summary_text", "text": "s"]], "content": [["type": "reasoning_text", "text": "r"]], "encrypted_content": "opaque"],
            ["type": "message", "content": [["type": "output_text", "text": "t"], ["type": "refusal", "refusal": "no"]]],
            ["type": "function_call", "arguments": "{}"], ["type": "custom_tool_call", "input": "i"],
        ]]
        let slots = AnswerText.slots(inAnswer: answer, operation: .responses)
        #expect(slots.map(\.text).sorted() == ["i", "no", "r", "s", "t", "{}"])
    }

    @Test("streamed Responses: refusal and reasoning deltas are redacted, the .done and completed events carry the filtered text",
          arguments: [("response.refusal", "refusal"), ("response.reasoning_summary_text", "text"), ("response.reasoning_text", "text"), ("response.output_text", "text")])
    func responsesEvents(_ family: (String, String)) throws {
        let (prefix, doneField) = family
        var inspection = Self.inspection(.responses)
        var deltas = ""
        let text = "mail \(Self.email) ok"
        var out: [SSEEvent] = []
        for piece in Self.pieces(text) {
            out += inspection.process(Self.event(["type": .string(prefix + ".delta"), "output_index": 0, "content_index": 0, "summary_index": 0, "delta": .string(piece)]))
        }
        out += inspection.process(Self.event(["type": .string(prefix + ".done"), "output_index": 0, "content_index": 0, "summary_index": 0, doneField: .string(text)]))
        var done = ""
        for e in out {
            let json = try JSONParser.parse(e.data)
            if json["type"]?.stringValue == prefix + ".delta" { deltas += json["delta"]?.stringValue ?? "" }
            if json["type"]?.stringValue == prefix + ".done" { done = json[doneField]?.stringValue ?? "" }
        }
        #expect(deltas == "mail [EMAIL_1] ok")
        #expect(done == "mail [EMAIL_1] ok")
        #expect(!out.contains { String(decoding: $0.data, as: UTF8.self).contains(Self.email) })
    }

    @Test("Responses text that never streamed is inspected where it appears (output_item.done, completed)")
    func unstreamedText() throws {
        var inspection = Self.inspection(.responses)
        let item: JSONValue = ["type": "reasoning", "summary": [["type": "summary_text", "text": .string("ask \(Self.email)")]]]
        let out = inspection.process(Self.event(["type": "response.output_item.done", "output_index": 0, "item": item]))
        let json = try JSONParser.parse(out[0].data)
        #expect(json["item"]?["summary"]?[0]?["text"]?.stringValue == "ask [EMAIL_1]")
        let completed = inspection.process(Self.event(["type": "response.completed", "response": ["output": [item]]]))
        let final = try JSONParser.parse(completed.last!.data)
        #expect(final["response"]?["output"]?[0]?["summary"]?[0]?["text"]?.stringValue == "ask [EMAIL_1]")
        #expect(inspection.findings.count == 1)  // inspected once, reused by the final event
    }

    @Test("an event the strict parser refuses stops the stream: nothing of it is forwarded")
    func unparseableEvent() {
        var inspection = Self.inspection(.chatCompletions)
        let duplicate = Array(#"{"choices":[{"index":0,"delta":{"content":"hi","content":"jane.doe@example.com"}}]}"#.utf8)
        #expect(inspection.process(SSEEvent(data: duplicate)).isEmpty)
        #expect(inspection.failure == .uninspectableEvent)
        #expect(inspection.stopped)
        #expect(inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": "more"]]]])).isEmpty)
        #expect(inspection.process(SSEEvent(data: Array("[DONE]".utf8))).isEmpty)
        #expect(inspection.finish().isEmpty)
        var responses = Self.inspection(.responses)
        #expect(responses.process(SSEEvent(data: Array(#"{"type":"response.output_text.delta","delta":"a\x"}"#.utf8))).isEmpty)
        #expect(responses.failure == .uninspectableEvent)
    }

    @Test("a filter that cannot run stops the stream with controlUnavailable")
    func unavailableFilter() {
        struct Broken: ResponseTextFilter {
            mutating func feed(_ text: String) -> Gateway.FilterOutput { Gateway.FilterOutput(text: "", unavailable: "response guardrails") }
            mutating func finish() -> Gateway.FilterOutput { Gateway.FilterOutput(text: "", unavailable: "response guardrails") }
        }
        var inspection = StreamInspection(operation: .chatCompletions, dropUsageChunk: false) { Broken() }
        #expect(inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": "hello"]]]])).isEmpty)
        #expect(inspection.failure == .controlUnavailable("response guardrails"))
    }

    @Test("choices share one vault: redaction numbers continue across choices, pseudonyms restored in each")
    func sharedVaultAcrossChoices() throws {
        let vault = PseudonymVault()
        vault.placeholder(for: "ana@example.com", category: "pii.email", reversible: true)
        var inspection = StreamInspection(operation: .chatCompletions, dropUsageChunk: false) {
            GuardrailResponseFilter(filter: Self.engine.makeResponseFilter(obligations: Obligations(redact: ["pii"]), vault: vault))
        }
        var out: [SSEEvent] = []
        out += inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": "bob@example.com and [EMAIL_1]"], "finish_reason": "stop"]]]))
        out += inspection.process(Self.event(["choices": [["index": 1, "delta": ["content": "cy@example.com, bob@example.com"], "finish_reason": "stop"]]]))
        let texts = try out.map { try JSONParser.parse($0.data)["choices"]?[0]?["delta"]?["content"]?.stringValue ?? "" }
        #expect(texts == ["[EMAIL_2] and ana@example.com", "[EMAIL_3], [EMAIL_2]"])
    }
}
