import Core
import Providers
import Testing

/// Chat completion chunks fed to `AnthropicToChat.StreamTranslator`.
@Suite struct ChatStreamToAnthropicTests {
    static func chunk(_ delta: String, finish: String? = nil) -> String {
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":"# + delta
            + #","finish_reason":"# + (finish.map { "\"\($0)\"" } ?? "null") + "}]}"
    }

    static let chunks: [String] = [
        chunk(#"{"role":"assistant","content":""}"#),
        chunk(#"{"reasoning_content":"thinking"}"#),
        chunk(#"{"content":"Hel"}"#),
        chunk(#"{"content":"lo"}"#),
        chunk(#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":""}}]}"#),
        chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\""}}]}"#),
        chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":":\"x\"}"}}]}"#),
        chunk(#"{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"ping","arguments":"{}"}}]}"#),
        chunk("{}", finish: "tool_calls"),
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":9,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":10}}}"#,
        "[DONE]",
    ]

    func run(_ chunks: [String]) -> (out: [WireEvent], translator: AnthropicToChat.StreamTranslator) {
        var translator = AnthropicToChat.StreamTranslator()
        var out: [WireEvent] = []
        for data in chunks { out += translator.translate(name: nil, data: Array(data.utf8)) }
        out += translator.finish()
        return (out, translator)
    }

    @Test func fullStreamReparsed() {
        let (out, translator) = run(Self.chunks)
        let events = parsed(out)
        #expect(out.map(\.name) == events.map { $0["type"]?.stringValue })
        #expect(events.map { $0["type"]?.stringValue ?? "" } == [
            "message_start", "ping",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop",
        ])
        #expect(events[0]["message"] == json(#"{"id":"chatcmpl-1","type":"message","role":"assistant","model":"gpt-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}"#))
        #expect(events[2] == json(#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#))
        #expect(events[3] == json(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"#))
        #expect(events[6] == json(#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_1","name":"lookup","input":{}}}"#))
        #expect(events[7] == json(#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"q\""}}"#))
        let partial = events[7...8].compactMap { $0["delta"]?["partial_json"]?.stringValue }.joined()
        #expect(json(partial) == ["q": "x"])
        #expect(events[10]["content_block"]?["id"] == "call_2")
        #expect(events[10]["index"] == 2)
        #expect(events[12] == json(#"{"type":"content_block_stop","index":2}"#))
        #expect(events[13] == json(#"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":9,"cache_read_input_tokens":10}}"#))
        #expect(translator.dropped == ["reasoning_content"])
        #expect(translator.failure == nil)
    }

    @Test func cutStreamGetsNoEnd() {
        let (out, translator) = run(Array(Self.chunks.prefix(10)))
        let types = parsed(out).map { $0["type"]?.stringValue ?? "" }
        #expect(!types.contains("message_stop"))
        #expect(!types.contains("message_delta"))
        var again = translator
        #expect(again.finish().isEmpty)
    }

    @Test func textOnlyStreamEndsWithEndTurn() {
        let (out, _) = run([Self.chunk(#"{"role":"assistant","content":"Hi"}"#), Self.chunk("{}", finish: "stop"), "[DONE]"])
        let events = parsed(out)
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        #expect(events[5]["delta"]?["stop_reason"] == "end_turn")
        #expect(events[5]["usage"] == json(#"{"input_tokens":0,"output_tokens":0}"#))
    }

    @Test func interleavedToolCallsFail() {
        let (_, translator) = run([
            Self.chunk(#"{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":1,"id":"b","type":"function","function":{"name":"g","arguments":""}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}"#),
        ])
        #expect(translator.failure == UntranslatableAnswer(reason: "tool call deltas interleave"))
    }

    @Test func errorChunkBecomesErrorEvent() {
        let (out, _) = run([Self.chunks[0], #"{"error":{"message":"Rate limited","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}"#])
        #expect(out.last?.name == "error")
        #expect(parsed(out).last == json(#"{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}"#))
    }

    @Test func unparseableDataIsReturnedUnchanged() {
        var translator = AnthropicToChat.StreamTranslator()
        let garbage = Array("garbage".utf8)
        #expect(translator.translate(name: nil, data: garbage) == [WireEvent(name: nil, data: garbage)])
    }
}
