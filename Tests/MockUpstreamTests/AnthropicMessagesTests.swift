import Core
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

@Suite struct AnthropicMessagesTests {
    @Test func nonStreamingMessage() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"mock-claude","max_tokens":100,"system":"sys","messages":[{"role":"user","content":[{"type":"text","text":"hey"}]}]}"##
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
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
                #expect(json["usage"]?["output_tokens"] == 3)  // "Echo: hey" = 9 chars
            }
        }
    }

    @Test func streamingEventSequence() async throws {
        try await mockApp(.init(chunkSize: 5)).test(.router) { client in
            let body = ##"{"model":"c","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"#say 0123456789ab"}]}"##
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
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
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(plain)) {
                let json = Wire.object($0.body)
                #expect(json["stop_reason"] == "tool_use")
                let block = try #require(json["content"]?[0])
                #expect(block["type"] == "tool_use")
                #expect(block["name"] == "get_time")
                #expect(block["input"] == ["tz": "UTC"])
                #expect(block["id"]?.stringValue?.hasPrefix("toolu_") == true)
            }
            let streamed = ##"{"model":"c","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"#tool get_time {\"tz\":\"UTC\"}"}],"## + tools + "}"
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(streamed)) {
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
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(result)) {
                #expect(Wire.object($0.body)["content"]?[0]?["text"] == "Tool result: 12:00")
            }
            let forced = ##"{"model":"c","max_tokens":50,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"x"},{"name":"y"}],"tool_choice":{"type":"tool","name":"y"}}"##
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(forced)) {
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
                uri: "/v1/messages", method: .post, headers: HTTPFields(["x-mock-status": "529"]), body: Wire.body(body)
            ) {
                #expect($0.status.code == 529)
                let json = Wire.object($0.body)
                #expect(json["type"] == "error")
                #expect(json["error"]?["type"] == "overloaded_error")
                #expect(json["error"]?["message"]?.stringValue?.isEmpty == false)
            }
        }
    }
}
