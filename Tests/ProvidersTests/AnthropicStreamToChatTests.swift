import Core
import Providers
import Testing

/// Anthropic stream events fed to `ChatToAnthropic.StreamTranslator`.
@Suite struct AnthropicStreamToChatTests {
    static let events: [(String, String)] = [
        ("message_start", #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":10,"cache_read_input_tokens":4,"cache_creation_input_tokens":0,"output_tokens":1}}}"#),
        ("ping", #"{"type":"ping"}"#),
        ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        ("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello"}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
        ("content_block_start", #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"lookup","input":{}}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"q\":"}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\"x\"}"}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":2}"#),
        ("content_block_start", #"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_2","name":"ping","input":{}}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":3}"#),
        ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ]

    func run(_ events: [(String, String)]) -> (out: [WireEvent], translator: ChatToAnthropic.StreamTranslator) {
        var translator = ChatToAnthropic.StreamTranslator()
        var out: [WireEvent] = []
        for (name, data) in events { out += translator.translate(name: name, data: Array(data.utf8)) }
        out += translator.finish()
        return (out, translator)
    }

    @Test func fullStreamReparsed() throws {
        let (out, translator) = run(Self.events)
        #expect(out.allSatisfy { $0.name == nil })
        let chunks = parsed(out)
        #expect(chunks.count == 10)
        #expect(chunks.last == "[DONE]")
        let created = chunks[0]["created"]
        for chunk in chunks.dropLast() {
            #expect(chunk["id"] == "msg_1")
            #expect(chunk["model"] == "claude-x")
            #expect(chunk["object"] == "chat.completion.chunk")
            #expect(chunk["created"] == created)
        }
        let deltas = chunks.dropLast(2).map { $0["choices"]?[0]?["delta"] ?? .null }
        #expect(deltas[0] == json(#"{"role":"assistant","content":""}"#))
        #expect(deltas[1] == json(#"{"reasoning_content":"hmm"}"#))
        #expect(deltas[2] == json(#"{"content":"Hello"}"#))
        #expect(deltas[3] == json(#"{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":""}}]}"#))
        #expect(deltas[4] == json(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":"}}]}"#))
        #expect(deltas[5] == json(#"{"tool_calls":[{"index":0,"function":{"arguments":"\"x\"}"}}]}"#))
        #expect(deltas[6] == json(#"{"tool_calls":[{"index":1,"id":"toolu_2","type":"function","function":{"name":"ping","arguments":""}}]}"#))
        #expect(chunks[7]["choices"]?[0]?["finish_reason"] == "tool_calls")
        let usage = chunks[8]
        #expect(usage["choices"] == [])
        #expect(usage["usage"] == json(#"{"prompt_tokens":14,"completion_tokens":42,"total_tokens":56,"prompt_tokens_details":{"cached_tokens":4}}"#))
        #expect(translator.dropped == ["thinking.signature"])
        #expect(translator.failure == nil)
        // The arguments concatenated are the tool input.
        let arguments = deltas[3...5].compactMap { $0["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue }.joined()
        #expect(json(arguments) == ["q": "x"])
    }

    @Test func eventByEventOutput() {
        var translator = ChatToAnthropic.StreamTranslator()
        #expect(translator.translate(name: "message_start", data: Array(Self.events[0].1.utf8)).count == 1)
        #expect(translator.translate(name: "ping", data: Array(Self.events[1].1.utf8)).isEmpty)
        #expect(translator.translate(name: "content_block_stop", data: Array(#"{"type":"content_block_stop","index":0}"#.utf8)).isEmpty)
    }

    @Test func cutStreamGetsNoEnd() {
        let (out, translator) = run(Array(Self.events.prefix(8)))
        #expect(!parsed(out).contains("[DONE]"))
        #expect(parsed(out).allSatisfy { $0["usage"] == nil })
        var again = translator
        #expect(again.finish().isEmpty)
    }

    @Test func errorEventBecomesErrorChunkWithoutDone() {
        let (out, _) = run([Self.events[0], ("error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)])
        let chunks = parsed(out)
        #expect(chunks.last == json(#"{"error":{"message":"Overloaded","type":"server_error","param":null,"code":"overloaded"}}"#))
        #expect(!chunks.contains("[DONE]"))
    }

    @Test func unparseableDataIsReturnedUnchanged() {
        var translator = ChatToAnthropic.StreamTranslator()
        let garbage = Array("{not json".utf8)
        #expect(translator.translate(name: "content_block_delta", data: garbage) == [WireEvent(name: "content_block_delta", data: garbage)])
    }

    @Test func deltaForABlockNeverStartedFails() {
        let (_, translator) = run([Self.events[0], Self.events[10]])
        #expect(translator.failure != nil)
    }
}
