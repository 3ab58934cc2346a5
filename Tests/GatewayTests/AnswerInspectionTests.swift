import Core
import Guardrails
import Testing

@testable import Gateway

/// Every text of an answer the client receives goes through the answer guardrails — streamed and not — as
/// the dialect declares it; what the declaration does not know is dropped and noted; what cannot be
/// inspected stops the answer (issue 6 review, issue 12: logprobs, `delta.content` arrays, reasoning details,
/// choice `message`/`text` in streams, tool-call names, text after `finish_reason`, web search queries).
@Suite("Answer inspection: every declared text, unknown fields dropped, fail closed")
struct AnswerInspectionTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration())
    static let email = "jane.doe@example.com"

    static func inspection(_ operation: Core.Operation, streamed: Bool = true, mirrors: Bool = false, vault: PseudonymVault = PseudonymVault())
        -> AnswerInspection
    {
        AnswerInspection(dialect: Dialects.dialect(for: operation)!, streamed: streamed, mirrorsServed: mirrors) {
            GuardrailAnswerFilter(filter: engine.makeAnswerFilter(obligations: Obligations(redact: ["pii", "secret"]), vault: vault))
        }
    }

    static func event(_ json: JSONValue, name: String? = nil) -> SSEEvent { SSEEvent(event: name, data: json.serialized()) }

    /// Splits `text` into 3-scalar pieces, as a model streams it.
    static func pieces(_ text: String, size: Int = 3) -> [String] {
        let s = Array(text.unicodeScalars)
        return stride(from: 0, to: s.count, by: size).map { String(String.UnicodeScalarView(s[$0..<min(s.count, $0 + size)])) }
    }

    static func text(_ events: [SSEEvent]) -> String { events.map { String(decoding: $0.data, as: UTF8.self) }.joined(separator: "\n") }

    /// Streams `text` in the delta at `field` of choice 0 and ends the choice; returns what the caller gets there.
    static func chatStream(field: JSONLocation, text: String, inspection: inout AnswerInspection) throws -> String {
        var out: [SSEEvent] = []
        for piece in pieces(text) {
            var delta: JSONValue = [:]
            delta.setCreating(.string(piece), at: field)
            out += inspection.process(event(["choices": [["index": 0, "delta": delta, "finish_reason": nil]]]))
        }
        out += inspection.process(event(["choices": [["index": 0, "delta": [:], "finish_reason": "stop"]]]))
        out += inspection.process(SSEEvent(data: Array("[DONE]".utf8)))
        var joined = ""
        for e in out where !e.isDone {
            joined += try JSONParser.parse(e.data)["choices"]?[0]?["delta"]?.value(at: field)?.stringValue ?? ""
        }
        return joined
    }

    @Test("streamed chat: every text of a delta is redacted", arguments: [
        "content", "refusal", "reasoning_content", "reasoning", "thinking", "function_call.arguments", "audio.transcript",
    ] as [JSONLocation])
    func chatFields(_ field: JSONLocation) throws {
        var inspection = Self.inspection(.chatCompletions)
        #expect(try Self.chatStream(field: field, text: "write to \(Self.email) please", inspection: &inspection) == "write to [EMAIL_1] please")
        #expect(inspection.findings.map(\.category) == ["pii.email"])
    }

    @Test("streamed chat: `delta.content` as an array of text parts is inspected as the content")
    func contentArray() throws {
        var inspection = Self.inspection(.chatCompletions)
        var out: [SSEEvent] = []
        for piece in Self.pieces("mail \(Self.email) now") {
            out += inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": [["type": "text", "text": .string(piece)]]]]]]))
        }
        out += inspection.process(SSEEvent(data: Array("[DONE]".utf8)))
        #expect(!Self.text(out).contains(Self.email))
        #expect(inspection.findings.map(\.category) == ["pii.email"])
    }

    @Test("streamed chat: tool-call arguments and names, reasoning details, `\\u` escapes split across deltas")
    func toolCallsAndDetails() throws {
        var inspection = Self.inspection(.chatCompletions)
        var out: [SSEEvent] = []
        let args = #"{"to":"jane.doe\u0040example.com"}"#
        out += inspection.process(Self.event(["choices": [["index": 0, "delta": ["tool_calls": [["index": 0, "id": "call_1", "type": "function", "function": ["name": "mail_jane.doe@example.com", "arguments": ""]]]]]]]))
        for piece in Self.pieces(args, size: 2) {
            out += inspection.process(Self.event(["choices": [["index": 0, "delta": ["tool_calls": [["index": 0, "function": ["arguments": .string(piece)]]]]]]]))
        }
        out += inspection.process(Self.event(["choices": [["index": 0, "delta": ["reasoning_details": [["type": "reasoning.text", "text": .string("user \(Self.email)")]]]]]]))
        out += inspection.process(Self.event(["choices": [["index": 0, "delta": [:], "finish_reason": "tool_calls"]]]))
        out += inspection.process(SSEEvent(data: Array("[DONE]".utf8)))
        let all = Self.text(out)
        #expect(!all.contains(Self.email) && !all.contains("jane.doe\\\\u0040") && !all.contains("u0040example"))
        #expect(inspection.findings.filter { $0.category == "pii.email" }.count == 3)
        var joined = ""
        for e in out where !e.isDone {
            for call in try JSONParser.parse(e.data)["choices"]?[0]?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                joined += call["function"]?["arguments"]?.stringValue ?? ""
            }
        }
        #expect(joined == #"{"to":"[EMAIL_2]"}"#)
    }

    @Test("streamed chat: a choice's `message` or `text`, and fields nobody declared, are dropped and noted")
    func undeclaredChunkFields() throws {
        var inspection = Self.inspection(.chatCompletions)
        let out = inspection.process(Self.event(["id": "c1", "choices": [["index": 0, "delta": ["content": "hi"], "message": ["content": .string(Self.email)],
                                                              "text": .string(Self.email), "x_debug": .string(Self.email)]], "vendor_trace": "t"]))
        #expect(!Self.text(out).contains(Self.email))
        #expect(Set(inspection.dropped) == ["choices[].message", "choices[].text", "choices[].x_debug", "vendor_trace"])
        #expect(inspection.failure == nil)
    }

    @Test("streamed chat: text after `finish_reason` is still inspected")
    func textAfterFinish() throws {
        var inspection = Self.inspection(.chatCompletions)
        var out = inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": "done."], "finish_reason": "stop"]]]))
        out += inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": .string(" p.s. \(Self.email)")]]]]))
        out += inspection.process(SSEEvent(data: Array("[DONE]".utf8)))
        #expect(!Self.text(out).contains(Self.email))
        #expect(Self.text(out).contains("[EMAIL_1]"))
    }

    @Test("token logprobs: dropped when the profile rewrites answers; else passed, their tokens inspected")
    func logprobs() throws {
        let tokens: [JSONValue] = Self.pieces(Self.email).map { ["token": .string($0), "logprob": -0.1, "bytes": [], "top_logprobs": []] }
        let chunk = Self.event(["choices": [["index": 0, "delta": ["content": "x"], "logprobs": ["content": .array(tokens)]]]])
        var rewriting = Self.inspection(.chatCompletions, mirrors: false)
        #expect(!Self.text(rewriting.process(chunk)).contains("\"logprobs\""))
        #expect(rewriting.dropped == ["choices[].logprobs"])
        var served = Self.inspection(.chatCompletions, mirrors: true)
        let out = served.process(chunk) + served.process(SSEEvent(data: Array("[DONE]".utf8)))
        #expect(Self.text(out).contains("\"logprobs\""))
        #expect(served.findings.map(\.category) == ["pii.email"])
        var complete: JSONValue = ["choices": [["index": 0, "message": ["content": "ok"], "logprobs": ["content": .array(tokens)]]]]
        var answer = Self.inspection(.chatCompletions, streamed: false, mirrors: false)
        _ = answer.inspectComplete(&complete)
        #expect(complete["choices"]?[0]?["logprobs"] == nil)
    }

    @Test("a declared text field holding something else cannot be inspected: the answer stops")
    func wrongTypeFailsClosed() {
        var inspection = Self.inspection(.chatCompletions)
        #expect(inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": ["nested": .string(Self.email)]]]]])).isEmpty)
        #expect(inspection.failure == .uninspectable("choices[].delta.content"))
        var complete: JSONValue = ["choices": [["index": 0, "message": ["refusal": [.string(Self.email)]]]]]
        var answer = Self.inspection(.chatCompletions, streamed: false)
        _ = answer.inspectComplete(&complete)
        #expect(answer.failure == .uninspectable("choices[].message.refusal"))
    }

    @Test("complete chat answer: every text field is inspected")
    func completeChat() throws {
        let e = Self.email
        var answer: JSONValue = ["id": "c", "object": "chat.completion", "choices": [["index": 0, "finish_reason": "stop", "message": [
            "role": "assistant", "content": .string("a \(e)"), "refusal": .string("b \(e)"), "reasoning_content": .string("c \(e)"),
            "reasoning": .string("d \(e)"), "thinking": .string("t \(e)"),
            "function_call": ["name": "f", "arguments": .string("{\"e\":\"\(e)\"}")], "audio": ["id": "au_1", "transcript": .string("g \(e)")],
            "tool_calls": [["id": "call_1", "type": "function", "function": ["name": .string("n_\(e)"), "arguments": .string("{\"h\":\"\(e)\"}")]]],
            "annotations": [["type": "url_citation", "url_citation": ["url": "https://x.io", "title": .string("i \(e)"), "start_index": 0, "end_index": 1]]],
        ]]]]
        var inspection = Self.inspection(.chatCompletions, streamed: false)
        let changed = inspection.inspectComplete(&answer)
        #expect(changed)
        #expect(!String(decoding: answer.serialized(), as: UTF8.self).contains(e))
        #expect(inspection.findings.count == 10)
        #expect(inspection.dropped.isEmpty)
    }

    @Test("complete Responses answer: message text and refusal, reasoning, tool input, web search queries, echoed instructions")
    func completeResponses() throws {
        let e = Self.email
        var answer: JSONValue = ["id": "resp_1", "object": "response", "instructions": .string("help \(e)"), "output": [
            ["type": "reasoning", "id": "rs_1", "summary": [["type": "summary_text", "text": .string("s \(e)")]], "content": [["type": "reasoning_text", "text": .string("r \(e)")]], "encrypted_content": "opaque"],
            ["type": "message", "id": "m1", "role": "assistant", "status": "completed", "content": [["type": "output_text", "text": .string("t \(e)"), "annotations": []], ["type": "refusal", "refusal": .string("no \(e)")]]],
            ["type": "function_call", "call_id": "c1", "name": "f", "arguments": .string("{\"a\":\"\(e)\"}")],
            ["type": "custom_tool_call", "call_id": "c2", "name": "g", "input": .string("i \(e)")],
            ["type": "web_search_call", "id": "ws_1", "status": "completed", "action": ["type": "search", "query": .string("who is \(e)")]],
        ]]
        var inspection = Self.inspection(.responses, streamed: false)
        let changed = inspection.inspectComplete(&answer)
        #expect(changed)
        #expect(!String(decoding: answer.serialized(), as: UTF8.self).contains(e))
        #expect(inspection.findings.count == 8)
        #expect(inspection.continuation == "resp_1")
    }

    @Test("streamed Responses: each text family's deltas are redacted, the .done event carries the filtered text",
          arguments: [("response.refusal", "refusal"), ("response.reasoning_summary_text", "text"), ("response.reasoning_text", "text"),
                      ("response.output_text", "text"), ("response.function_call_arguments", "arguments"), ("response.custom_tool_call_input", "input"),
                      ("response.code_interpreter_call_code", "code"), ("response.mcp_call_arguments", "arguments")])
    func responsesEvents(_ family: (String, String)) throws {
        let (prefix, doneField) = family
        var inspection = Self.inspection(.responses)
        var deltas = ""
        let text = "mail \(Self.email) ok"
        var out: [SSEEvent] = []
        for piece in Self.pieces(text) {
            out += inspection.process(Self.event(["type": .string(prefix + ".delta"), "output_index": 0, "content_index": 0, "summary_index": 0, "item_id": "it_1", "delta": .string(piece)]))
        }
        out += inspection.process(Self.event(["type": .string(prefix + ".done"), "output_index": 0, "content_index": 0, "summary_index": 0, "item_id": "it_1", .init(doneField): .string(text)]))
        var done = ""
        for e in out {
            let json = try JSONParser.parse(e.data)
            if json["type"]?.stringValue == prefix + ".delta" { deltas += json["delta"]?.stringValue ?? "" }
            if json["type"]?.stringValue == prefix + ".done" { done = json[doneField]?.stringValue ?? "" }
        }
        #expect(deltas == "mail [EMAIL_1] ok")
        #expect(done == "mail [EMAIL_1] ok")
        #expect(!Self.text(out).contains(Self.email))
    }

    @Test("Responses text that never streamed is inspected where it appears (output_item.done, completed)")
    func unstreamedText() throws {
        var inspection = Self.inspection(.responses)
        let item: JSONValue = ["type": "reasoning", "id": "rs_1", "summary": [["type": "summary_text", "text": .string("ask \(Self.email)")]]]
        let out = inspection.process(Self.event(["type": "response.output_item.done", "output_index": 0, "item": item]))
        let json = try JSONParser.parse(out[0].data)
        #expect(json["item"]?["summary"]?[0]?["text"]?.stringValue == "ask [EMAIL_1]")
        let completed = inspection.process(Self.event(["type": "response.completed", "response": ["id": "resp_9", "output": [item]]]))
        let final = try JSONParser.parse(completed.last!.data)
        #expect(final["response"]?["output"]?[0]?["summary"]?[0]?["text"]?.stringValue == "ask [EMAIL_1]")
        #expect(inspection.findings.count == 1)  // inspected once, reused by the final event
        #expect(inspection.terminated)
        #expect(inspection.continuation == "resp_9")
    }

    @Test("an event type nobody declared is dropped and noted; a known but unserved one too")
    func unknownEvents() {
        var inspection = Self.inspection(.responses)
        #expect(inspection.process(Self.event(["type": "response.telepathy.delta", "delta": .string(Self.email)])).isEmpty)
        #expect(inspection.process(Self.event(["type": "response.audio.delta", "delta": "AAAA"])).isEmpty)
        #expect(inspection.dropped == ["event response.telepathy.delta", "event response.audio.delta"])
        #expect(inspection.failure == nil)
    }

    @Test("an event the strict parser refuses stops the stream: nothing of it is forwarded")
    func unparseableEvent() {
        var inspection = Self.inspection(.chatCompletions)
        let duplicate = Array(#"{"choices":[{"index":0,"delta":{"content":"hi","content":"jane.doe@example.com"}}]}"#.utf8)
        #expect(inspection.process(SSEEvent(data: duplicate)).isEmpty)
        #expect(inspection.failure == .uninspectable("event"))
        #expect(inspection.stopped)
        #expect(inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": "more"]]]])).isEmpty)
        #expect(inspection.process(SSEEvent(data: Array("[DONE]".utf8))).isEmpty)
        #expect(inspection.finish().isEmpty)
        var responses = Self.inspection(.responses)
        #expect(responses.process(SSEEvent(data: Array(#"{"type":"response.output_text.delta","delta":"a\x"}"#.utf8))).isEmpty)
        #expect(responses.failure == .uninspectable("event"))
    }

    @Test("a filter that cannot run stops the stream with controlUnavailable")
    func unavailableFilter() {
        struct Broken: AnswerTextFilter {
            mutating func feed(_ text: String) -> Gateway.FilterOutput { Gateway.FilterOutput(text: "", unavailable: "response guardrails") }
            mutating func finish() -> Gateway.FilterOutput { Gateway.FilterOutput(text: "", unavailable: "response guardrails") }
        }
        var inspection = AnswerInspection(dialect: Dialects.chatCompletions, streamed: true, mirrorsServed: false) { Broken() }
        #expect(inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": "hello"]]]])).isEmpty)
        #expect(inspection.failure == .controlUnavailable("response guardrails"))
    }

    @Test("choices share one vault: redaction numbers continue across choices, pseudonyms restored in each")
    func sharedVaultAcrossChoices() throws {
        let vault = PseudonymVault()
        vault.placeholder(for: "ana@example.com", category: "pii.email", reversible: true)
        var inspection = AnswerInspection(dialect: Dialects.chatCompletions, streamed: true, mirrorsServed: false) {
            GuardrailAnswerFilter(filter: Self.engine.makeAnswerFilter(obligations: Obligations(redact: ["pii"]), vault: vault))
        }
        var out: [SSEEvent] = []
        out += inspection.process(Self.event(["choices": [["index": 0, "delta": ["content": "bob@example.com and [EMAIL_1]"], "finish_reason": "stop"]]]))
        out += inspection.process(Self.event(["choices": [["index": 1, "delta": ["content": "cy@example.com, bob@example.com"], "finish_reason": "stop"]]]))
        let texts = try out.map { try JSONParser.parse($0.data)["choices"]?[0]?["delta"]?["content"]?.stringValue ?? "" }
        #expect(texts == ["[EMAIL_2] and ana@example.com", "[EMAIL_3], [EMAIL_2]"])
    }

    @Test("events nothing changed pass byte for byte")
    func untouchedEventsPassAsSent() {
        var inspection = Self.inspection(.responses)
        let raw = Array(#"{"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}"#.utf8)
        let out = inspection.process(SSEEvent(event: "response.in_progress", data: raw))
        #expect(out == [SSEEvent(event: "response.in_progress", data: raw)])
    }

    @Test("an answer or event that is not a JSON object cannot be inspected: it stops the answer")
    func nonObjectsFailClosed() {
        var complete: JSONValue = [.string(Self.email)]
        var answer = Self.inspection(.chatCompletions, streamed: false)
        _ = answer.inspectComplete(&complete)
        #expect(answer.failure == .uninspectable("(the array where an object belongs)"))
        var stream = Self.inspection(.responses)
        #expect(stream.process(SSEEvent(data: JSONValue.string(Self.email).serialized())).isEmpty)
        #expect(stream.failure != nil)
    }

    @Test("SSE names and ids the dialect does not declare are replaced: chat events have none, Responses events their type")
    func eventNamesAndIDs() throws {
        var chat = Self.inspection(.chatCompletions)
        #expect(chat.process(SSEEvent(event: "x-vendor", data: Array(" ".utf8), id: "7")) == [SSEEvent(data: Array(" ".utf8))])
        let out = chat.process(SSEEvent(event: "x-vendor", data: Self.event(["choices": [["index": 0, "delta": ["content": "hi"]]]]).data, id: "42"))
        #expect(out.count == 1 && out[0].event == nil && out[0].id == nil)
        var responses = Self.inspection(.responses)
        let named = responses.process(SSEEvent(event: "misleading", data: Self.event(["type": "response.in_progress", "response": ["id": "r"]]).data))
        #expect(named.map(\.event) == ["response.in_progress"])
    }

    @Test("a Responses stream that also ends with [DONE] passes it on")
    func responsesDone() {
        var inspection = Self.inspection(.responses)
        _ = inspection.process(Self.event(["type": "response.completed", "response": ["id": "r", "output": []]]))
        #expect(inspection.process(SSEEvent(data: Array("[DONE]".utf8))) == [SSEEvent(data: Array("[DONE]".utf8))])
        #expect(inspection.failure == nil && inspection.terminated)
    }
}
