import Core
import Providers
import Testing

/// Anthropic Messages callers on Converse and Gemini upstreams: `AnthropicToChat` composed with
/// `ChatToConverse` / `ChatToGemini`, in both directions and for streams.
@Suite struct AnthropicOnConverseAndGeminiTests {
    static let toolCall = json("""
    {"model":"m","max_tokens":100,"system":"Be brief.",
     "tools":[{"name":"weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
     "tool_choice":{"type":"auto"},
     "messages":[{"role":"user","content":"weather in Oslo?"},
      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Oslo"}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"rain"}]}]}
    """)

    @Test func simpleTextCallOnConverse() throws {
        let chat = try AnthropicToChat.request(anthropicRequest(["temperature": 0.3]))
        let converse = try ChatToConverse.request(chat, defaultMaxTokens: 4096)
        #expect(converse == json(#"{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":100,"temperature":0.3}}"#))
        let answer = try ChatToConverse.answer(json("""
        {"output":{"message":{"role":"assistant","content":[{"text":"Hello!"}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5},"metrics":{"latencyMs":5}}
        """), model: "m")
        let message = try AnthropicToChat.answer(answer.json)
        #expect(message.json["content"] == [["type": "text", "text": "Hello!"]])
        #expect(message.json["stop_reason"] == "end_turn")
        #expect(message.json["usage"]?["input_tokens"] == 3)
        #expect(message.json["usage"]?["output_tokens"] == 2)
    }

    @Test func toolRoundTripOnConverse() throws {
        let converse = try ChatToConverse.request(AnthropicToChat.request(Self.toolCall), defaultMaxTokens: 4096)
        #expect(converse["system"] == [["text": "Be brief."]])
        #expect(converse["messages"] == json("""
        [{"role":"user","content":[{"text":"weather in Oslo?"}]},
         {"role":"assistant","content":[{"toolUse":{"toolUseId":"toolu_1","name":"weather","input":{"city":"Oslo"}}}]},
         {"role":"user","content":[{"toolResult":{"toolUseId":"toolu_1","content":[{"text":"rain"}]}}]}]
        """))
        #expect(converse["toolConfig"]?["toolChoice"] == ["auto": [:]])
        let answer = try ChatToConverse.answer(json("""
        {"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_9","name":"weather","input":{"city":"Bergen"}}}]}},
         "stopReason":"tool_use","usage":{"inputTokens":9,"outputTokens":4,"totalTokens":13}}
        """))
        let message = try AnthropicToChat.answer(answer.json)
        #expect(message.json["content"] == [["type": "tool_use", "id": "tooluse_9", "name": "weather", "input": ["city": "Bergen"]]])
        #expect(message.json["stop_reason"] == "tool_use")
    }

    @Test func streamOnConverse() {
        var converse = ChatToConverse.StreamTranslator(includeUsage: true, model: "m")
        var anthropic = AnthropicToChat.StreamTranslator()
        var out: [WireEvent] = []
        for (name, data) in ConverseStreamTests.events {
            for chunk in converse.translate(name: name, data: Array(data.utf8)) { out += anthropic.translate(name: chunk.name, data: chunk.data) }
        }
        for chunk in converse.finish() { out += anthropic.translate(name: chunk.name, data: chunk.data) }
        out += anthropic.finish()
        let events = parsed(out)
        #expect(out.last?.name == "message_stop")
        #expect(events.map { $0["type"]?.stringValue ?? "" } == [
            "message_start", "ping",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop",
        ])
        #expect(events[13] == json(#"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":9,"cache_read_input_tokens":10}}"#))
        #expect(anthropic.failure == nil)
    }

    @Test func simpleTextCallOnGemini() throws {
        let gemini = try ChatToGemini.request(AnthropicToChat.request(anthropicRequest()), defaultMaxTokens: 4096)
        #expect(gemini == json(#"{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":100}}"#))
        let answer = try ChatToGemini.answer(json("""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"Hello!"}]},"finishReason":"STOP"}],
         "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"totalTokenCount":5},"modelVersion":"gemini-x"}
        """))
        let message = try AnthropicToChat.answer(answer.json)
        #expect(message.json["content"] == [["type": "text", "text": "Hello!"]])
        #expect(message.json["stop_reason"] == "end_turn")
        #expect(message.json["model"] == "gemini-x")
    }

    @Test func toolRoundTripOnGemini() throws {
        let gemini = try ChatToGemini.request(AnthropicToChat.request(Self.toolCall), defaultMaxTokens: 4096)
        #expect(gemini["systemInstruction"] == ["parts": [["text": "Be brief."]]])
        #expect(gemini["contents"] == json("""
        [{"role":"user","parts":[{"text":"weather in Oslo?"}]},
         {"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Oslo"}}}]},
         {"role":"user","parts":[{"functionResponse":{"name":"weather","response":{"content":"rain"}}}]}]
        """))
        #expect(gemini["toolConfig"] == ["functionCallingConfig": ["mode": "AUTO"]])
        let answer = try ChatToGemini.answer(json(#"{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Bergen"}}}]},"finishReason":"STOP"}]}"#))
        let message = try AnthropicToChat.answer(answer.json)
        #expect(message.json["content"] == [["type": "tool_use", "id": "call_0", "name": "weather", "input": ["city": "Bergen"]]])
        #expect(message.json["stop_reason"] == "tool_use")
    }

    @Test func streamOnGemini() {
        var gemini = ChatToGemini.StreamTranslator(includeUsage: true)
        var anthropic = AnthropicToChat.StreamTranslator()
        var out: [WireEvent] = []
        for data in GeminiStreamTests.pieces {
            for chunk in gemini.translate(name: nil, data: Array(data.utf8)) { out += anthropic.translate(name: chunk.name, data: chunk.data) }
        }
        for chunk in gemini.finish() { out += anthropic.translate(name: chunk.name, data: chunk.data) }
        out += anthropic.finish()
        let events = parsed(out)
        #expect(out.last?.name == "message_stop")
        #expect(events.first?["message"]?["id"] == "resp-1")
        #expect(events.filter { $0["type"] == "content_block_start" }.map { $0["content_block"]?["type"] } == ["text", "tool_use", "tool_use"])
        #expect(events.suffix(2).first == json(#"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":9,"cache_read_input_tokens":10}}"#))
        #expect(anthropic.failure == nil)
    }
}
