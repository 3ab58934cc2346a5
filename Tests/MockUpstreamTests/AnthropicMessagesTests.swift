import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// Helpers for the Anthropic routes: the headers every call needs, a body's answer, a stream's events.
enum Anthropic {
    static let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("anthropic-version")!: "2023-06-01"]

    static func message(
        _ client: some TestClientProtocol, _ body: String, uri: String = "/v1/messages", headers: HTTPFields = headers,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        try await client.execute(uri: uri, method: .post, headers: headers, body: Wire.body(body)) {
            #expect($0.status == .ok, "\(String(buffer: $0.body))", sourceLocation: sourceLocation)
            return Wire.object($0.body, sourceLocation: sourceLocation)
        }
    }

    /// The stream's event payloads; each event's SSE name must equal its `type`.
    static func events(
        _ client: some TestClientProtocol, _ body: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [JSONValue] {
        try await client.execute(uri: "/v1/messages", method: .post, headers: headers, body: Wire.body(body)) {
            #expect($0.status == .ok, sourceLocation: sourceLocation)
            let events = Wire.events($0.body, sourceLocation: sourceLocation)
            let data = try events.map { try Wire.parse($0.data) }
            for (i, event) in data.enumerated() {
                #expect(event["type"]?.stringValue == events[i].name, sourceLocation: sourceLocation)
            }
            return data
        }
    }

    /// One line per event: its type, then the block index and the block or delta type where there are ones
    /// (`content_block_delta 1 text_delta`), so a test can compare a whole stream's order at a glance.
    static func outline(_ events: [JSONValue]) -> [String] {
        events.map { event in
            var line = event["type"]?.stringValue ?? "?"
            if let index = event["index"]?.intValue { line += " \(index)" }
            if let kind = event["content_block"]?["type"]?.stringValue ?? event["delta"]?["type"]?.stringValue {
                line += " " + kind
            }
            return line
        }
    }

    /// The text of every delta of `type` at block `index`, joined.
    static func joined(_ events: [JSONValue], index: Int, _ type: String, field: String) -> String {
        events.filter { $0["type"] == "content_block_delta" && $0["index"]?.intValue == index && $0["delta"]?["type"]?.stringValue == type }
            .compactMap { $0["delta"]?[field]?.stringValue }.joined()
    }
}

@Suite struct AnthropicMessagesTests {
    @Test func nonStreamingMessage() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"mock-claude","max_tokens":100,"system":"sys","messages":[{"role":"user","content":[{"type":"text","text":"hey"}]}]}"##
            try await client.execute(uri: "/v1/messages", method: .post, headers: Anthropic.headers, body: Wire.body(body)) {
                #expect($0.status == .ok)
                let json = Wire.object($0.body)
                #expect(json["type"] == "message")
                #expect(json["role"] == "assistant")
                #expect(json["model"] == "mock-claude")
                #expect(json["id"]?.stringValue?.hasPrefix("msg_") == true)
                #expect(json["content"] == [["type": "text", "text": "Echo: hey"]])
                #expect(json["stop_reason"] == "end_turn")
                #expect(json["stop_sequence"] == .null)
                #expect(json["usage"]?["input_tokens"] == 2)  // "sys" + "hey" = 6 scalars
                #expect(json["usage"]?["cache_creation_input_tokens"] == 0)  // nothing marked cache_control
                #expect(json["usage"]?["cache_read_input_tokens"] == 0)
                #expect(json["usage"]?["output_tokens"] == 3)  // "Echo: hey" = 9 chars
            }
        }
    }

    @Test func streamingEventSequence() async throws {
        try await mockApp(.init(chunkSize: 5)).test(.router) { client in
            let body = ##"{"model":"c","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"#say 0123456789ab"}]}"##
            try await client.execute(uri: "/v1/messages", method: .post, headers: Anthropic.headers, body: Wire.body(body)) {
                #expect($0.headers[.contentType] == "text/event-stream; charset=utf-8")
                let events = Wire.events($0.body)
                #expect(
                    events.map { $0.name ?? "" } == [
                        "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
                        "content_block_delta", "content_block_stop", "message_delta", "message_stop",
                    ])
                let data = try events.map { try Wire.parse($0.data) }
                for (i, event) in data.enumerated() { #expect(event["type"]?.stringValue == events[i].name) }
                #expect(data[0]["message"]?["content"] == .array([]))
                #expect(data[0]["message"]?["stop_reason"] == .null)
                #expect(data[1]["content_block"] == ["type": "text", "text": ""])
                #expect(data[3...5].compactMap { $0["delta"]?["text"]?.stringValue } == ["01234", "56789", "ab"])
                #expect(data[3]["delta"]?["type"] == "text_delta")
                #expect(data[7]["delta"]?["stop_reason"] == "end_turn")
                #expect(data[7]["usage"]?["output_tokens"] == 3)
            }
        }
    }

    @Test func toolUseNonStreamingAndStreaming() async throws {
        try await mockApp(.init(chunkSize: 4)).test(.router) { client in
            let tools = ##""tools":[{"name":"get_time","input_schema":{"type":"object"}}]"##
            let plain = ##"{"model":"c","max_tokens":50,"messages":[{"role":"user","content":"#tool get_time {\"tz\":\"UTC\"}"}],"## + tools + "}"
            try await client.execute(uri: "/v1/messages", method: .post, headers: Anthropic.headers, body: Wire.body(plain)) {
                let json = Wire.object($0.body)
                #expect(json["stop_reason"] == "tool_use")
                let block = try #require(json["content"]?[0])
                #expect(block["type"] == "tool_use")
                #expect(block["name"] == "get_time")
                #expect(block["input"] == ["tz": "UTC"])
                #expect(block["id"]?.stringValue?.hasPrefix("toolu_") == true)
            }
            let streamed = ##"{"model":"c","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"#tool get_time {\"tz\":\"UTC\"}"}],"## + tools + "}"
            try await client.execute(uri: "/v1/messages", method: .post, headers: Anthropic.headers, body: Wire.body(streamed)) {
                let data = try Wire.events($0.body).map { try Wire.parse($0.data) }
                #expect(data[1]["content_block"]?["type"] == "tool_use")
                #expect(data[1]["content_block"]?["input"] == .object([:]))
                let json = data.filter { $0["type"] == "content_block_delta" }.compactMap {
                    $0["delta"]?["type"] == "input_json_delta" ? $0["delta"]?["partial_json"]?.stringValue : nil
                }
                #expect(json.joined() == ##"{"tz":"UTC"}"##)
                #expect(data.first { $0["type"] == "message_delta" }?["delta"]?["stop_reason"] == "tool_use")
            }
        }
    }

    @Test func toolResultRoundAndForcedToolChoice() async throws {
        try await mockApp().test(.router) { client in
            let result = ##"{"model":"c","max_tokens":50,"messages":[{"role":"user","content":"time?"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"get_time","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"12:00"}]}]}"##
            try await client.execute(uri: "/v1/messages", method: .post, headers: Anthropic.headers, body: Wire.body(result)) {
                #expect(Wire.object($0.body)["content"]?[0]?["text"] == "Tool result: 12:00")
            }
            let forced = ##"{"model":"c","max_tokens":50,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"x"},{"name":"y"}],"tool_choice":{"type":"tool","name":"y"}}"##
            try await client.execute(uri: "/v1/messages", method: .post, headers: Anthropic.headers, body: Wire.body(forced)) {
                let block = try #require(Wire.object($0.body)["content"]?[0])
                #expect(block["name"] == "y")
                #expect(block["input"] == .object([:]))
            }
        }
    }

    @Test func errorsUseTheAnthropicShape() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"##
            try await client.execute(
                uri: "/v1/messages", method: .post, headers: HTTPFields(["x-mock-status": "529", "anthropic-version": "2023-06-01"]), body: Wire.body(body)
            ) {
                #expect($0.status.code == 529)
                let json = Wire.object($0.body)
                #expect(json["type"] == "error")
                #expect(json["error"]?["type"] == "overloaded_error")
                #expect(json["error"]?["message"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test func missingVersionHeaderIs400OnBothRoutesAndRecorded() async throws {
        try await mockApp(.init(apiKey: "sk-ant")).test(.router) { client in
            let body = ##"{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"##
            for uri in ["/v1/messages", "/v1/messages/count_tokens"] {
                try await client.execute(
                    uri: uri, method: .post, headers: HTTPFields(["x-api-key": "sk-ant"]), body: Wire.body(body)
                ) {
                    #expect($0.status == .badRequest)
                    let json = Wire.object($0.body)
                    #expect(json["type"] == "error")
                    #expect(json["error"]?["type"] == "invalid_request_error")
                    #expect(json["error"]?["message"] == "anthropic-version: header is required")
                }
            }
            // The key is checked first: no key and no version is a 401.
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/mock/requests", method: .get) {
                let data = try #require(Wire.object($0.body)["data"]?.arrayValue)
                #expect(data.map { $0["outcome"]?.stringValue } == ["bad_request", "bad_request", "unauthorized"])
            }
        }
    }

    @Test func theLogShowsVersionBetaAndWhichHeaderCarriedTheKey() async throws {
        try await mockApp(.init(apiKey: "sk-ant")).test(.router) { client in
            let body = ##"{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"##
            var headers = Anthropic.headers
            headers[HTTPField.Name("x-api-key")!] = "sk-ant"
            headers[HTTPField.Name("anthropic-beta")!] = "prompt-caching-2024-07-31"
            _ = try await Anthropic.message(client, body, headers: headers)
            var bearer = Anthropic.headers
            bearer[.authorization] = "Bearer sk-ant"
            _ = try await Anthropic.message(client, body, uri: "/v1/messages/count_tokens", headers: bearer)
            try await client.execute(uri: "/mock/requests", method: .get) {
                let data = try #require(Wire.object($0.body)["data"]?.arrayValue)
                #expect(data.count == 2)
                #expect(data[0]["headers"]?["anthropic-version"] == "2023-06-01")
                #expect(data[0]["headers"]?["anthropic-beta"] == "prompt-caching-2024-07-31")
                #expect(data[0]["auth_header"] == "x-api-key")
                #expect(data[0]["body"]?["max_tokens"] == 5)
                #expect(data[1]["path"] == "/v1/messages/count_tokens")
                #expect(data[1]["auth_header"] == "authorization")
                #expect(data[1]["headers"]?["anthropic-beta"] == nil)
            }
        }
    }

    @Test func stopSequencesCutTheTextBeforeTheEarliestOne() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"c","max_tokens":100,"stop_sequences":["wor","END"],"messages":[{"role":"user","content":"#say hello END world"}]}"##
            let json = try await Anthropic.message(client, body)
            #expect(json["content"] == [["type": "text", "text": "hello "]])
            #expect(json["stop_reason"] == "stop_sequence")
            #expect(json["stop_sequence"] == "END")
            #expect(json["usage"]?["output_tokens"] == 2)  // "hello " in pieces of 4
            let streamed = try await Anthropic.events(client, body.replacingOccurrences(of: "{\"model\"", with: "{\"stream\":true,\"model\""))
            #expect(Anthropic.joined(streamed, index: 0, "text_delta", field: "text") == "hello ")
            let delta = try #require(streamed.first { $0["type"] == "message_delta" })
            #expect(delta["delta"] == ["stop_reason": "stop_sequence", "stop_sequence": "END"])
            #expect(delta["usage"] == ["output_tokens": 2])
            let unmatched = ##"{"model":"c","max_tokens":100,"stop_sequences":["zzz"],"messages":[{"role":"user","content":"#say hello"}]}"##
            let plain = try await Anthropic.message(client, unmatched)
            #expect(plain["stop_reason"] == "end_turn")
            #expect(plain["stop_sequence"] == .null)
        }
    }

    @Test func maxTokensCutsTheReplyAndWinsOverALaterStopSequence() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"c","max_tokens":2,"stop_sequences":["9"],"messages":[{"role":"user","content":"#say 0123456789"}]}"##
            let json = try await Anthropic.message(client, body)
            #expect(json["content"] == [["type": "text", "text": "01234567"]])
            #expect(json["stop_reason"] == "max_tokens")
            #expect(json["stop_sequence"] == .null)
            #expect(json["usage"]?["output_tokens"] == 2)
            let streamed = try await Anthropic.events(client, body.replacingOccurrences(of: "{\"model\"", with: "{\"stream\":true,\"model\""))
            #expect(Anthropic.joined(streamed, index: 0, "text_delta", field: "text") == "01234567")
            #expect(streamed.first { $0["type"] == "message_delta" }?["delta"] == ["stop_reason": "max_tokens", "stop_sequence": .null])
        }
    }
}
