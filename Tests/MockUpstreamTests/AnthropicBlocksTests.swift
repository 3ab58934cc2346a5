import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// Answers of several content blocks: thinking, redacted thinking, text then tool_use.
@Suite struct AnthropicBlocksTests {
    static func body(_ prompt: String, thinking: String? = nil, stream: Bool = false, extra: String = "") -> String {
        var fields = [##""model":"c""##, ##""max_tokens":2000"##, #""messages":[{"role":"user","content":\#(prompt.jsonLiteral)}]"#]
        if let thinking { fields.append(#""thinking":\#(thinking)"#) }
        if stream { fields.append(#""stream":true"#) }
        if !extra.isEmpty { fields.append(extra) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static let enabled = ##"{"type":"enabled","budget_tokens":1024}"##
    static let tools = ##""tools":[{"name":"get_time","input_schema":{"type":"object"}}]"##
    static let sayThenTool = ##"#say-then-tool Let me check.|get_time {"tz":"UTC"}"##

    static func isBase64(_ s: String?) -> Bool {
        guard let s, !s.isEmpty, s.count % 4 == 0 else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }
    }

    @Test(arguments: [enabled, ##"{"type":"adaptive"}"##])
    func thinkingOpensTheAnswer(thinking: String) async throws {
        try await mockApp().test(.router) { client in
            let json = try await Anthropic.message(client, Self.body("#say hi there", thinking: thinking))
            let content = try #require(json["content"]?.arrayValue)
            #expect(content.count == 2)
            #expect(content[0]["type"] == "thinking")
            #expect(content[0]["thinking"] == "Thinking about: #say hi there")
            #expect(Self.isBase64(content[0]["signature"]?.stringValue))
            #expect(content[1] == ["type": "text", "text": "hi there"])
            #expect(json["stop_reason"] == "end_turn")
            #expect(json["usage"]?["output_tokens"] == 10)  // 8 thinking pieces + 2 text pieces
            let again = try await Anthropic.message(client, Self.body("#say hi there", thinking: thinking))
            #expect(again["content"]?[0]?["signature"] == content[0]["signature"])  // deterministic
            let other = try await Anthropic.message(client, Self.body("#say bye", thinking: thinking))
            #expect(other["content"]?[0]?["signature"] != content[0]["signature"])
        }
    }

    @Test func thinkingOffOrDisabledGivesNoThinkingBlock() async throws {
        try await mockApp().test(.router) { client in
            for thinking in [nil, ##"{"type":"disabled"}"##] {
                let json = try await Anthropic.message(client, Self.body("#say hi", thinking: thinking))
                #expect(json["content"] == [["type": "text", "text": "hi"]])
            }
        }
    }

    @Test func thinkingIsStreamedAsThinkingDeltasThenOneSignature() async throws {
        try await mockApp().test(.router) { client in
            let events = try await Anthropic.events(client, Self.body("#say hi there", thinking: Self.enabled, stream: true))
            #expect(
                Anthropic.outline(events) == ["message_start", "content_block_start 0 thinking", "ping"]
                    + Array(repeating: "content_block_delta 0 thinking_delta", count: 8)
                    + ["content_block_delta 0 signature_delta", "content_block_stop 0", "content_block_start 1 text"]
                    + Array(repeating: "content_block_delta 1 text_delta", count: 2)
                    + ["content_block_stop 1", "message_delta", "message_stop"])
            #expect(events[1]["content_block"] == ["type": "thinking", "thinking": "", "signature": ""])
            #expect(Anthropic.joined(events, index: 0, "thinking_delta", field: "thinking") == "Thinking about: #say hi there")
            #expect(Anthropic.joined(events, index: 1, "text_delta", field: "text") == "hi there")
            let plain = try await Anthropic.message(client, Self.body("#say hi there", thinking: Self.enabled))
            #expect(Anthropic.joined(events, index: 0, "signature_delta", field: "signature") == plain["content"]?[0]?["signature"]?.stringValue)
            #expect(events.last { $0["type"] == "message_delta" }?["usage"] == ["output_tokens": 10])
        }
    }

    @Test func redactedPromptGivesARedactedThinkingBlockWholeAtItsStart() async throws {
        try await mockApp().test(.router) { client in
            let json = try await Anthropic.message(client, Self.body("#redacted #say hi", thinking: Self.enabled))
            let content = try #require(json["content"]?.arrayValue)
            #expect(content.count == 2)
            #expect(content[0]["type"] == "redacted_thinking")
            #expect(content[0].objectValue?.keys.sorted() == ["data", "type"])
            #expect(Self.isBase64(content[0]["data"]?.stringValue))
            #expect(content[1] == ["type": "text", "text": "hi"])
            #expect(json["usage"]?["output_tokens"] == 10)  // "Thinking about: #redacted #say hi" = 9 pieces, + 1
            let events = try await Anthropic.events(client, Self.body("#redacted #say hi", thinking: Self.enabled, stream: true))
            #expect(
                Anthropic.outline(events) == [
                    "message_start", "content_block_start 0 redacted_thinking", "ping", "content_block_stop 0",
                    "content_block_start 1 text", "content_block_delta 1 text_delta", "content_block_stop 1",
                    "message_delta", "message_stop",
                ])
            #expect(events[1]["content_block"] == content[0])
            let alone = try await Anthropic.message(client, Self.body("#redacted", thinking: Self.enabled))
            #expect(alone["content"]?[0]?["type"] == "redacted_thinking")
            #expect(alone["content"]?[1]?["text"] == "Echo: #redacted")
            let off = try await Anthropic.message(client, Self.body("#redacted #say hi"))
            #expect(off["content"] == [["type": "text", "text": "Echo: #redacted #say hi"]])
        }
    }

    @Test func sayThenToolGivesATextBlockThenAToolUseBlock() async throws {
        try await mockApp().test(.router) { client in
            let json = try await Anthropic.message(client, Self.body(Self.sayThenTool, extra: Self.tools))
            let content = try #require(json["content"]?.arrayValue)
            #expect(content.count == 2)
            #expect(content[0] == ["type": "text", "text": "Let me check."])
            #expect(content[1]["type"] == "tool_use")
            #expect(content[1]["name"] == "get_time")
            #expect(content[1]["input"] == ["tz": "UTC"])
            #expect(json["stop_reason"] == "tool_use")
            #expect(json["usage"]?["output_tokens"] == 7)  // 4 text pieces + 3 input pieces

            let events = try await Anthropic.events(client, Self.body(Self.sayThenTool, stream: true, extra: Self.tools))
            #expect(
                Anthropic.outline(events) == ["message_start", "content_block_start 0 text", "ping"]
                    + Array(repeating: "content_block_delta 0 text_delta", count: 4)
                    + ["content_block_stop 0", "content_block_start 1 tool_use"]
                    + Array(repeating: "content_block_delta 1 input_json_delta", count: 3)
                    + ["content_block_stop 1", "message_delta", "message_stop"])
            #expect(Anthropic.joined(events, index: 0, "text_delta", field: "text") == "Let me check.")
            #expect(Anthropic.joined(events, index: 1, "input_json_delta", field: "partial_json") == ##"{"tz":"UTC"}"##)
            #expect(events[8]["content_block"]?["input"] == .object([:]))

            let thinking = try await Anthropic.events(
                client, Self.body(Self.sayThenTool, thinking: Self.enabled, stream: true, extra: Self.tools))
            let starts = thinking.filter { $0["type"] == "content_block_start" }
            #expect(starts.map { $0["content_block"]?["type"]?.stringValue } == ["thinking", "text", "tool_use"])
            #expect(starts.map { $0["index"]?.intValue } == [0, 1, 2])
        }
    }

    @Test func sayThenToolFallsBackLikeTool() async throws {
        try await mockApp().test(.router) { client in
            let unoffered = try await Anthropic.message(client, Self.body(Self.sayThenTool))
            #expect(unoffered["content"] == [["type": "text", "text": "No tool named get_time was offered."]])
            // A stop sequence inside the text ends the answer there: no call follows.
            let stopped = try await Anthropic.message(
                client, Self.body(Self.sayThenTool, extra: Self.tools + ##","stop_sequences":["check"]"##))
            #expect(stopped["content"] == [["type": "text", "text": "Let me "]])
            #expect(stopped["stop_reason"] == "stop_sequence")
            // A forced tool choice calls the tool without text first, with the prompt's arguments.
            let forced = try await Anthropic.message(
                client, Self.body(Self.sayThenTool, extra: Self.tools + ##","tool_choice":{"type":"any"}"##))
            #expect(forced["content"]?.arrayValue?.count == 1)
            #expect(forced["content"]?[0]?["input"] == ["tz": "UTC"])
            // Chat completions answer one thing: the call alone.
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: jsonHeaders,
                body: Wire.body(
                    #"{"model":"m","tools":[{"type":"function","function":{"name":"get_time"}}],"messages":[{"role":"user","content":\#(Self.sayThenTool.jsonLiteral)}]}"#)
            ) {
                let message = Wire.object($0.body)["choices"]?[0]?["message"]
                #expect(message?["content"] == .null)
                #expect(message?["tool_calls"]?[0]?["function"]?["name"] == "get_time")
            }
        }
    }
}

extension String {
    /// This string as a JSON string literal.
    var jsonLiteral: String {
        String(decoding: try! JSONEncoder().encode(self), as: UTF8.self)
    }
}
