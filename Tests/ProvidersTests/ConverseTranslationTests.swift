import Core
import Providers
import Testing

func converseRefusal(_ body: JSONValue) -> UntranslatableRequest? {
    do { _ = try ChatToConverse.request(body, defaultMaxTokens: 4096); return nil } catch { return error }
}

@Suite struct ConverseTranslationTests {
    @Test func conversationWithSystemToolsAndImages() throws {
        let chat = json("""
        {"model":"anthropic.claude-x","user":"u-1","stream":true,"stream_options":{"include_usage":true},
         "max_completion_tokens":300,"max_tokens":50,"temperature":0.5,"top_p":0.9,"stop":"END","n":1,
         "messages":[
          {"role":"system","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"What is in"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"auto"}}]},
          {"role":"user","content":"this?"},
          {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
          {"role":"assistant","content":"Let me look.","tool_calls":[
             {"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}},
             {"id":"call_2","type":"function","function":{"name":"lookup","arguments":""}}]},
          {"role":"tool","tool_call_id":"call_1","content":"found x"},
          {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"found y"}]},
          {"role":"user","content":"thanks"}],
         "tools":[{"type":"function","function":{"name":"lookup","description":"Look up","parameters":{"type":"object","properties":{"q":{"type":"string"}}},"strict":false}},
                  {"type":"function","function":{"name":"ping"}}],
         "tool_choice":"required","parallel_tool_calls":true}
        """)
        let out = try ChatToConverse.request(chat, defaultMaxTokens: 4096)
        #expect(out == json("""
        {"system":[{"text":"Be brief."},{"text":"Use tools."}],
         "inferenceConfig":{"maxTokens":300,"temperature":0.5,"topP":0.9,"stopSequences":["END"]},
         "requestMetadata":{"user_id":"u-1"},
         "messages":[
          {"role":"user","content":[{"text":"What is in"},{"image":{"format":"png","source":{"bytes":"AAAA"}}},{"text":"this?"}]},
          {"role":"assistant","content":[{"text":"Let me look."},
             {"toolUse":{"toolUseId":"call_1","name":"lookup","input":{"q":"x"}}},
             {"toolUse":{"toolUseId":"call_2","name":"lookup","input":{}}}]},
          {"role":"user","content":[{"toolResult":{"toolUseId":"call_1","content":[{"text":"found x"}]}},
             {"toolResult":{"toolUseId":"call_2","content":[{"text":"found y"}]}},{"text":"thanks"}]}],
         "toolConfig":{"tools":[
           {"toolSpec":{"name":"lookup","description":"Look up","inputSchema":{"json":{"type":"object","properties":{"q":{"type":"string"}}}}}},
           {"toolSpec":{"name":"ping","inputSchema":{"json":{"type":"object","properties":{}}}}}],
          "toolChoice":{"any":{}}}}
        """))
    }

    @Test func defaultsAndToolChoices() throws {
        let plain = try ChatToConverse.request(chatRequest(["max_tokens": 20]), defaultMaxTokens: 4096)
        #expect(plain == json(#"{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":20}}"#))
        #expect(try ChatToConverse.request(chatRequest(), defaultMaxTokens: 77)["inferenceConfig"] == ["maxTokens": 77])
        let tools: JSONValue = [["type": "function", "function": ["name": "f"]]]
        let auto = try ChatToConverse.request(chatRequest(["tools": tools, "tool_choice": "auto"]), defaultMaxTokens: 1)
        #expect(auto["toolConfig"]?["toolChoice"] == ["auto": [:]])
        let named = try ChatToConverse.request(chatRequest(["tools": tools, "tool_choice": ["type": "function", "function": ["name": "f"]]]), defaultMaxTokens: 1)
        #expect(named["toolConfig"]?["toolChoice"] == ["tool": ["name": "f"]])
        // none: no tools given, so none can be called.
        let none = try ChatToConverse.request(chatRequest(["tools": tools, "tool_choice": "none"]), defaultMaxTokens: 1)
        #expect(none["toolConfig"] == nil)
    }

    @Test(arguments: [
        ("n", JSONValue.integer(2), "n"), ("logprobs", true, "logprobs"), ("top_logprobs", 2, "top_logprobs"),
        ("seed", 1, "seed"), ("presence_penalty", 0.5, "presence_penalty"), ("frequency_penalty", 1, "frequency_penalty"),
        ("logit_bias", ["50256": -100], "logit_bias"), ("audio", ["voice": "x"], "audio"), ("modalities", ["text", "audio"], "modalities"),
        ("prediction", ["type": "content", "content": "x"], "prediction"), ("parallel_tool_calls", false, "parallel_tool_calls"),
        ("response_format", ["type": "json_object"], "response_format"), ("temperature", 1.5, "temperature"),
        ("store", true, "store"), ("service_tier", "flex", "service_tier"), ("reasoning_effort", "low", "reasoning_effort"),
        ("metadata", ["k": "v"], "metadata"), ("web_search_options", [:], "web_search_options"), ("verbosity", "low", "verbosity"),
        ("functions", [["name": "f"]], "functions"), ("function_call", "auto", "function_call"), ("brand_new", 1, "brand_new"),
        ("tools", [["type": "custom", "custom": ["name": "c"]]], "tools[0]"),
        ("tools", [["type": "function", "function": ["name": "f", "strict": true]]], "tools[0].function.strict"),
        ("tool_choice", "required", "tool_choice"),
        ("max_tokens", 0, "max_tokens"), ("safety_identifier", "other", "safety_identifier"),
    ] as [(String, JSONValue, String)])
    func refusesWhatConverseCannotExpress(field: String, value: JSONValue, param: String) {
        var extra: [String: JSONValue] = [field: value]
        if field == "safety_identifier" { extra["user"] = "u-1" }
        #expect(converseRefusal(chatRequest(extra))?.param == param)
    }

    @Test func refusesMessagesConverseCannotExpress() {
        func refusal(_ message: JSONValue) -> String? {
            converseRefusal(chatRequest(["messages": [message]]))?.param
        }
        #expect(refusal(json(#"{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}"#)) == "messages[0].content[0].image_url.url")
        #expect(refusal(json(#"{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AA"}}]}"#)) == "messages[0].content[0].image_url.url")
        #expect(refusal(json(#"{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}"#)) == "messages[0].content[0]")
        #expect(refusal(json(#"{"role":"user","name":"bob","content":"hi"}"#)) == "messages[0].name")
        #expect(refusal(json(#"{"role":"assistant","content":"x","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"[1]"}}]}"#)) == "messages[0].tool_calls[0].function.arguments")
        #expect(refusal(json(#"{"role":"assistant","refusal":"no"}"#)) == "messages[0].refusal")
        #expect(refusal(json(#"{"role":"function","name":"f","content":"x"}"#)) == "messages[0]")
        #expect(refusal(json(#"{"role":"tool","tool_call_id":"a","content":"x","extra":1}"#)) == "messages[0].extra")
        // tool_choice none cannot be served when the conversation holds tool calls.
        let history: JSONValue = json(#"[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":"r"}]"#)
        #expect(converseRefusal(chatRequest(["messages": history, "tools": [["type": "function", "function": ["name": "f"]]], "tool_choice": "none"]))?.param == "tool_choice")
    }

    @Test func answerWithTextToolCallsAndUsage() throws {
        let converse = json("""
        {"output":{"message":{"role":"assistant","content":[{"text":"Let me "},{"text":"check."},
           {"reasoningContent":{"reasoningText":{"text":"hmm","signature":"s"}}},
           {"toolUse":{"toolUseId":"tooluse_1","name":"lookup","input":{"q":"x"}}}]}},
         "stopReason":"tool_use",
         "usage":{"inputTokens":10,"outputTokens":5,"totalTokens":45,"cacheReadInputTokens":20,"cacheWriteInputTokens":10},
         "metrics":{"latencyMs":120},"trace":{"guardrail":{}},"brandNew":{"x":1}}
        """)
        let out = try ChatToConverse.answer(converse, model: "claude-x")
        let choice = out.json["choices"]?[0]
        #expect(choice?["message"] == json(#"{"role":"assistant","content":"Let me check.","tool_calls":[{"id":"tooluse_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]}"#))
        #expect(choice?["finish_reason"] == "tool_calls")
        #expect(out.json["usage"] == json(#"{"prompt_tokens":40,"completion_tokens":5,"total_tokens":45,"prompt_tokens_details":{"cached_tokens":20}}"#))
        #expect(out.json["model"] == "claude-x")
        #expect(out.json["object"] == "chat.completion")
        #expect(out.json["id"]?.stringValue?.hasPrefix("chatcmpl-") == true)
        #expect(out.dropped == ["brandNew", "metrics", "output.message.content[].reasoningContent", "trace"])
        #expect(ChatToConverse.usage(converse) == TokenUsage(inputTokens: 10, outputTokens: 5, cacheWriteTokens: 10, cacheReadTokens: 20))
    }

    @Test(arguments: [
        ("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"), ("model_context_window_exceeded", "length"),
        ("tool_use", "tool_calls"), ("guardrail_intervened", "content_filter"), ("content_filtered", "content_filter"),
        ("something_new", "stop"),
    ])
    func everyStopReason(stopReason: String, finishReason: String) throws {
        let converse: JSONValue = ["output": ["message": ["role": "assistant", "content": [["text": "x"]]]], "stopReason": .string(stopReason)]
        let out = try ChatToConverse.answer(converse)
        #expect(out.json["choices"]?[0]?["finish_reason"] == .string(finishReason))
        #expect(out.dropped == (stopReason == "something_new" ? ["stopReason.something_new"] : []))
        #expect(out.json["choices"]?[0]?["message"]?["content"] == "x")
    }

    @Test func textThatIsNotTextFails() {
        let converse = json(#"{"output":{"message":{"role":"assistant","content":[{"text":42}]}},"stopReason":"end_turn"}"#)
        #expect(throws: UntranslatableAnswer(reason: "output.message.content[0].text is not a string")) { try ChatToConverse.answer(converse) }
        #expect(throws: UntranslatableAnswer.self) { try ChatToConverse.answer("text") }
    }

    @Test func errorBodies() {
        let throttled = ChatToConverse.errorBody(Array(#"{"message":"Too many requests","internal":"x"}"#.utf8), status: 429,
                                                 errorType: "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/")
        #expect(json(text(throttled)) == json(#"{"error":{"message":"Too many requests","type":"rate_limit_error","param":null,"code":"throttling_exception"}}"#))
        let invalid = ChatToConverse.errorBody(Array(#"{"message":"Malformed input request"}"#.utf8), status: 400, errorType: "ValidationException")
        #expect(json(text(invalid)) == json(#"{"error":{"message":"Malformed input request","type":"invalid_request_error","param":null,"code":"validation_exception"}}"#))
        let unreadable = ChatToConverse.errorBody(Array("<html>".utf8), status: 503, errorType: nil)
        #expect(json(text(unreadable)) == json(#"{"error":{"message":"the upstream provider returned status 503","type":"server_error","param":null,"code":null}}"#))
    }
}
