import Core
import Providers
import Testing

@Suite struct ChatToAnthropicRequestTests {
    @Test func conversationWithSystemHoistedToolsAndImages() throws {
        let chat = json("""
        {"model":"claude-x","user":"u-123","stream":true,"stream_options":{"include_usage":true},
         "max_completion_tokens":300,"max_tokens":50,"temperature":0.5,"top_p":0.9,"stop":"END",
         "messages":[
          {"role":"system","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"What is in"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"auto"}},
             {"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}}]},
          {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
          {"role":"assistant","content":"Let me look.","tool_calls":[
             {"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}},
             {"id":"call_2","type":"function","function":{"name":"lookup","arguments":""}}]},
          {"role":"tool","tool_call_id":"call_1","content":"found x"},
          {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"found y"}]},
          {"role":"user","content":"thanks"}],
         "tools":[{"type":"function","function":{"name":"lookup","description":"Look up","parameters":{"type":"object","properties":{"q":{"type":"string"}}},"strict":false}},
                  {"type":"function","function":{"name":"ping"}}],
         "tool_choice":"required","parallel_tool_calls":false}
        """)
        let out = try ChatToAnthropic.request(chat, defaultMaxTokens: 4096)
        #expect(out == json("""
        {"model":"claude-x","stream":true,"max_tokens":300,"temperature":0.5,"top_p":0.9,"stop_sequences":["END"],
         "metadata":{"user_id":"u-123"},
         "system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use tools."}],
         "messages":[
          {"role":"user","content":[{"type":"text","text":"What is in"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
             {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}}]},
          {"role":"assistant","content":[{"type":"text","text":"Let me look."},
             {"type":"tool_use","id":"call_1","name":"lookup","input":{"q":"x"}},
             {"type":"tool_use","id":"call_2","name":"lookup","input":{}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"found x"},
             {"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"found y"}]},
             {"type":"text","text":"thanks"}]}],
         "tools":[{"name":"lookup","description":"Look up","input_schema":{"type":"object","properties":{"q":{"type":"string"}}}},
                  {"name":"ping","input_schema":{"type":"object","properties":{}}}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
        """))
    }

    @Test func maxTokensFallsBackToMaxTokensThenDefault() throws {
        #expect(try ChatToAnthropic.request(chatRequest(["max_tokens": 77]), defaultMaxTokens: 4096)["max_tokens"] == 77)
        #expect(try ChatToAnthropic.request(chatRequest(), defaultMaxTokens: 4096)["max_tokens"] == 4096)
    }

    @Test(arguments: [
        ("none", #"{"type":"none"}"#), ("auto", #"{"type":"auto"}"#), ("required", #"{"type":"any"}"#),
    ])
    func toolChoiceStrings(choice: String, expected: String) throws {
        let out = try ChatToAnthropic.request(chatRequest(["tools": [["type": "function", "function": ["name": "f"]]], "tool_choice": .string(choice)]), defaultMaxTokens: 10)
        #expect(out["tool_choice"] == json(expected))
    }

    @Test func namedToolChoiceAndParallelOffWithoutChoice() throws {
        let tools: JSONValue = [["type": "function", "function": ["name": "f"]]]
        let named = try ChatToAnthropic.request(chatRequest(["tools": tools, "tool_choice": ["type": "function", "function": ["name": "f"]]]), defaultMaxTokens: 10)
        #expect(named["tool_choice"] == json(#"{"type":"tool","name":"f"}"#))
        let parallel = try ChatToAnthropic.request(chatRequest(["tools": tools, "parallel_tool_calls": false]), defaultMaxTokens: 10)
        #expect(parallel["tool_choice"] == json(#"{"type":"auto","disable_parallel_tool_use":true}"#))
        let parallelOn = try ChatToAnthropic.request(chatRequest(["tools": tools, "parallel_tool_calls": true]), defaultMaxTokens: 10)
        #expect(parallelOn["tool_choice"] == nil)
    }

    @Test func legacyFunctionsAndFunctionCallMessages() throws {
        let chat = json("""
        {"model":"m","functions":[{"name":"weather","parameters":{"type":"object"}}],"function_call":{"name":"weather"},
         "messages":[{"role":"user","content":"rain?"},
          {"role":"assistant","content":null,"function_call":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},
          {"role":"function","name":"weather","content":"wet"}]}
        """)
        let out = try ChatToAnthropic.request(chat, defaultMaxTokens: 10)
        #expect(out["tools"] == json(#"[{"name":"weather","input_schema":{"type":"object"}}]"#))
        #expect(out["tool_choice"] == json(#"{"type":"tool","name":"weather"}"#))
        #expect(out["messages"] == json("""
        [{"role":"user","content":[{"type":"text","text":"rain?"}]},
         {"role":"assistant","content":[{"type":"tool_use","id":"function_call_1","name":"weather","input":{"city":"Oslo"}}]},
         {"role":"user","content":[{"type":"tool_result","tool_use_id":"function_call_1","content":"wet"}]}]
        """))
    }

    @Test func jsonSchemaResponseFormatBecomesOutputConfig() throws {
        let out = try ChatToAnthropic.request(chatRequest(["response_format": json(#"{"type":"json_schema","json_schema":{"name":"r","strict":true,"schema":{"type":"object"}}}"#)]), defaultMaxTokens: 10)
        #expect(out["output_config"] == json(#"{"format":{"type":"json_schema","schema":{"type":"object"}}}"#))
        let plain = try ChatToAnthropic.request(chatRequest(["response_format": ["type": "text"]]), defaultMaxTokens: 10)
        #expect(plain["output_config"] == nil)
    }

    @Test func harmlessDefaultsMapToNothing() throws {
        let out = try ChatToAnthropic.request(chatRequest([
            "n": 1, "logprobs": false, "top_logprobs": 0, "presence_penalty": 0, "frequency_penalty": 0.0, "store": false,
            "service_tier": "auto", "modalities": ["text"], "logit_bias": [:], "seed": nil,
        ]), defaultMaxTokens: 10)
        #expect(Set(out.objectValue!.keys) == ["model", "messages", "max_tokens"])
    }

    @Test(arguments: [
        ("n", JSONValue.integer(2)), ("temperature", 1.5), ("logprobs", true), ("top_logprobs", 3),
        ("presence_penalty", 0.5), ("frequency_penalty", -1), ("seed", 7), ("logit_bias", ["50256": -100]),
        ("prediction", ["type": "content", "content": "x"]), ("audio", ["voice": "alloy"]), ("modalities", ["text", "audio"]),
        ("web_search_options", [:]), ("reasoning_effort", "high"), ("verbosity", "low"), ("metadata", ["k": "v"]),
        ("store", true), ("service_tier", "flex"), ("prompt_cache_key", "k"), ("prompt_cache_options", ["mode": "implicit"]),
        ("prompt_cache_retention", "24h"), ("moderation", ["model": "m"]), ("response_format", ["type": "json_object"]),
        ("tool_choice", ["type": "allowed_tools", "allowed_tools": ["mode": "auto", "tools": []]]),
        ("function_call", "bogus"), ("unheard_of", 1),
    ] as [(String, JSONValue)])
    func refusedTopLevelFields(field: String, value: JSONValue) {
        #expect(chatRefusal(chatRequest([field: value]))?.param == field)
    }

    @Test(arguments: [
        (#"[{"role":"user","name":"bob","content":"hi"}]"#, "messages[0].name"),
        (#"[{"role":"system","name":"sys","content":"hi"}]"#, "messages[0].name"),
        (#"[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AA"}}]}]"#, "messages[0].content[0].image_url.url"),
        (#"[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]"#, "messages[0].content[0].image_url.url"),
        (#"[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"high"}}]}]"#, "messages[0].content[0].image_url.detail"),
        (#"[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]}]"#, "messages[0].content[0]"),
        (#"[{"role":"user","content":[{"type":"file","file":{"file_id":"f"}}]}]"#, "messages[0].content[0]"),
        (#"[{"role":"user","content":[{"type":"text","text":"a","prompt_cache_breakpoint":{"mode":"explicit"}}]}]"#, "messages[0].content[0].prompt_cache_breakpoint"),
        (#"[{"role":"assistant","content":[{"type":"refusal","refusal":"no"}]},{"role":"user","content":"x"}]"#, "messages[0].content[0]"),
        (#"[{"role":"assistant","content":null,"refusal":"no"},{"role":"user","content":"x"}]"#, "messages[0].refusal"),
        (#"[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]"#, "messages[0].tool_calls[0].function.arguments"),
        (#"[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{oops"}}]}]"#, "messages[0].tool_calls[0].function.arguments"),
        (#"[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"custom","custom":{"name":"f","input":"x"}}]}]"#, "messages[0].tool_calls[0]"),
        (#"[{"role":"assistant","content":null,"audio":{"id":"a"}}]"#, "messages[0].audio"),
        (#"[{"role":"function","name":"f","content":"x"}]"#, "messages[0]"),
        (#"[{"role":"critic","content":"x"}]"#, "messages[0].role"),
    ])
    func refusedMessageParts(messages: String, param: String) {
        #expect(chatRefusal(chatRequest(["messages": json(messages)]))?.param == param)
    }

    @Test(arguments: [
        (#"[{"type":"function","function":{"name":"f","strict":true}}]"#, "tools[0].function.strict"),
        (#"[{"type":"function","function":{"name":"f"}},{"type":"custom","custom":{"name":"g"}}]"#, "tools[1]"),
    ])
    func refusedTools(tools: String, param: String) {
        #expect(chatRefusal(chatRequest(["tools": json(tools)]))?.param == param)
    }

    @Test func refusalsExplainThemselves() {
        let refusal = chatRefusal(chatRequest(["n": 3]))
        #expect(refusal == UntranslatableRequest(param: "n", message: "Anthropic Messages answers one choice; n must be 1"))
    }
}
