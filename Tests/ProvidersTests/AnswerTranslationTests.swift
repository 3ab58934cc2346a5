import Core
import Providers
import Testing

@Suite struct AnswerTranslationTests {
    @Test func anthropicMessageBecomesChatCompletion() throws {
        let message = json("""
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-x","stop_reason":"tool_use","stop_sequence":null,
         "content":[{"type":"thinking","thinking":"ponder","signature":"sig"},{"type":"redacted_thinking","data":"zzz"},
                    {"type":"text","text":"Hello ","citations":[{"type":"char_location"}]},{"type":"text","text":"world"},
                    {"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x"}},
                    {"type":"server_tool_use","id":"s","name":"web_search","input":{}}],
         "usage":{"input_tokens":10,"output_tokens":5,"cache_creation_input_tokens":3,"cache_read_input_tokens":20}}
        """)
        let answer = try ChatToAnthropic.answer(message)
        var completion = answer.json
        #expect(completion["created"]?.intValue ?? 0 > 1_700_000_000)
        completion["created"] = 0
        #expect(completion == json("""
        {"id":"msg_1","object":"chat.completion","created":0,"model":"claude-x",
         "choices":[{"index":0,"finish_reason":"tool_calls","logprobs":null,
           "message":{"role":"assistant","content":"Hello world","reasoning_content":"ponder",
             "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}}]}}],
         "usage":{"prompt_tokens":33,"completion_tokens":5,"total_tokens":38,"prompt_tokens_details":{"cached_tokens":20}}}
        """))
        #expect(answer.dropped == ["thinking.signature", "redacted_thinking", "citations", "server_tool_use"])
    }

    @Test(arguments: [
        ("end_turn", "stop"), ("stop_sequence", "stop"), ("pause_turn", "stop"), ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"), ("tool_use", "tool_calls"), ("refusal", "content_filter"),
    ])
    func stopReasons(stop: String, finish: String) throws {
        let answer = try ChatToAnthropic.answer(["id": "m", "model": "c", "content": [], "stop_reason": .string(stop), "usage": [:]])
        #expect(answer.json["choices"]?[0]?["finish_reason"] == .string(finish))
        #expect(answer.json["choices"]?[0]?["message"]?["content"] == .null)
    }

    @Test func toolInputThatIsNotAnObjectIsUntranslatable() {
        #expect(throws: UntranslatableAnswer.self) {
            try ChatToAnthropic.answer(json(#"{"id":"m","content":[{"type":"tool_use","id":"t","name":"f","input":[1]}]}"#))
        }
    }

    @Test func chatCompletionBecomesAnthropicMessage() throws {
        let completion = json("""
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-x",
         "choices":[{"index":0,"finish_reason":"tool_calls","logprobs":{"content":[]},
           "message":{"role":"assistant","content":"Sure.","reasoning_content":"hmm","annotations":[{"type":"url_citation"}],
             "tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}}]}}],
         "usage":{"prompt_tokens":30,"completion_tokens":7,"total_tokens":37,"prompt_tokens_details":{"cached_tokens":12}}}
        """)
        let answer = try AnthropicToChat.answer(completion)
        #expect(answer.json == json("""
        {"id":"chatcmpl-1","type":"message","role":"assistant","model":"gpt-x","stop_reason":"tool_use","stop_sequence":null,
         "content":[{"type":"text","text":"Sure."},{"type":"tool_use","id":"call_1","name":"lookup","input":{"q":"x"}}],
         "usage":{"input_tokens":18,"output_tokens":7,"cache_read_input_tokens":12,"cache_creation_input_tokens":0}}
        """))
        #expect(answer.dropped == ["logprobs", "reasoning_content", "annotations"])
    }

    @Test(arguments: [("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"), ("function_call", "tool_use"), ("content_filter", "refusal")])
    func finishReasons(finish: String, stop: String) throws {
        let answer = try AnthropicToChat.answer(["id": "c", "model": "g", "choices": [["index": 0, "finish_reason": .string(finish), "message": ["role": "assistant", "content": "x"]]]])
        #expect(answer.json["stop_reason"] == .string(stop))
    }

    @Test func refusalBecomesTextWithRefusalStop() throws {
        let answer = try AnthropicToChat.answer(json(#"{"id":"c","model":"g","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":null,"refusal":"I can't."}}]}"#))
        #expect(answer.json["content"] == json(#"[{"type":"text","text":"I can't."}]"#))
        #expect(answer.json["stop_reason"] == "refusal")
    }

    @Test(arguments: [#""[1,2]""#, #""not json""#, #""\"text\"""#])
    func argumentsThatAreNotAnObjectAreUntranslatable(arguments: String) {
        let completion = json(#"{"id":"c","model":"g","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"# + arguments + "}}]}}]}")
        #expect(throws: UntranslatableAnswer(reason: "tool_calls[0] arguments are not a JSON object")) { try AnthropicToChat.answer(completion) }
    }

    @Test func emptyContentMeansNoTextBlock() throws {
        let answer = try AnthropicToChat.answer(json(#"{"id":"c","model":"g","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":""}}]}"#))
        #expect(answer.json["content"] == [])
    }
}
