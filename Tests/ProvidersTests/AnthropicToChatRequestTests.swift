import Core
import Providers
import Testing

@Suite struct AnthropicToChatRequestTests {
    @Test func conversationWithToolsDocumentsAndImages() throws {
        let request = json("""
        {"model":"gpt-x","max_tokens":200,"stream":true,"temperature":0.3,"top_p":0.8,"stop_sequences":["END"],
         "metadata":{"user_id":"u-9"},"cache_control":{"type":"ephemeral"},"thinking":{"type":"disabled"},
         "service_tier":"auto","speed":"standard",
         "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
         "messages":[
          {"role":"user","content":[{"type":"text","text":"Look:"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
             {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}},
             {"type":"document","title":"Memo","source":{"type":"text","media_type":"text/plain","data":"body text"}},
             {"type":"document","source":{"type":"content","content":[{"type":"text","text":"inner"}]}},
             {"type":"search_result","title":"T","source":"https://s","content":[{"type":"text","text":"snippet"}]}]},
          {"role":"assistant","content":[{"type":"text","text":"Calling."},
             {"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x"}}]},
          {"role":"user","content":[
             {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
             {"type":"tool_result","tool_use_id":"toolu_2","content":"boom","is_error":true},
             {"type":"text","text":"and now?"}]}],
         "tools":[{"name":"lookup","description":"Look up","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}},
                  {"type":"custom","name":"exact","input_schema":{"type":"object"},"strict":true}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
        """)
        let out = try AnthropicToChat.request(request)
        #expect(out == json("""
        {"model":"gpt-x","max_tokens":200,"stream":true,"stream_options":{"include_usage":true},"temperature":0.3,"top_p":0.8,
         "stop":["END"],"user":"u-9",
         "messages":[
          {"role":"system","content":[{"type":"text","text":"Be brief."}]},
          {"role":"user","content":[{"type":"text","text":"Look:"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
             {"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}},
             {"type":"text","text":"Memo\\nbody text"},
             {"type":"text","text":"inner"},
             {"type":"text","text":"T\\nhttps://s\\nsnippet"}]},
          {"role":"assistant","content":[{"type":"text","text":"Calling."}],
             "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}}]},
          {"role":"tool","tool_call_id":"toolu_1","content":"a\\nb"},
          {"role":"tool","tool_call_id":"toolu_2","content":"Error: boom"},
          {"role":"user","content":[{"type":"text","text":"and now?"}]}],
         "tools":[{"type":"function","function":{"name":"lookup","description":"Look up","parameters":{"type":"object"}}},
                  {"type":"function","function":{"name":"exact","parameters":{"type":"object"},"strict":true}}],
         "tool_choice":"required","parallel_tool_calls":false}
        """))
    }

    @Test func stringSystemAndContentStayStrings() throws {
        let out = try AnthropicToChat.request(anthropicRequest(["system": "Be kind."]))
        #expect(out["messages"] == json(#"[{"role":"system","content":"Be kind."},{"role":"user","content":"hi"}]"#))
        #expect(out["stream_options"] == nil)
    }

    @Test(arguments: [
        (#"{"type":"auto"}"#, #""auto""#), (#"{"type":"any"}"#, #""required""#), (#"{"type":"none"}"#, #""none""#),
        (#"{"type":"tool","name":"f"}"#, #"{"type":"function","function":{"name":"f"}}"#),
    ])
    func toolChoices(choice: String, expected: String) throws {
        let out = try AnthropicToChat.request(anthropicRequest(["tools": [["name": "f", "input_schema": ["type": "object"]]], "tool_choice": json(choice)]))
        #expect(out["tool_choice"] == json(expected))
        #expect(out["parallel_tool_calls"] == nil)
    }

    @Test(arguments: [
        ("top_k", JSONValue.integer(5)), ("thinking", ["type": "enabled", "budget_tokens": 2048]), ("thinking", ["type": "adaptive"]),
        ("service_tier", "standard_only"), ("speed", "fast"), ("container", "c"), ("mcp_servers", []), ("context_management", [:]),
        ("output_config", ["effort": "low"]), ("inference_geo", "eu"), ("diagnostics", [:]), ("user_profile_id", "p"),
        ("workspace_id", "w"), ("metadata", ["other": "x"]), ("unheard_of", 1),
        ("tool_choice", ["type": "auto", "mystery": true]),
    ] as [(String, JSONValue)])
    func refusedTopLevelFields(field: String, value: JSONValue) {
        #expect(anthropicRefusal(anthropicRequest([field: value]))?.param.hasPrefix(field) == true)
    }

    @Test(arguments: [
        "web_search_20250305", "bash_20250124", "text_editor_20250728", "computer_20250124", "code_execution_20250825",
        "memory_20250818", "web_fetch_20250910", "tool_search_tool_regex_20251119",
    ])
    func serverToolsAreRefused(type: String) {
        let tools: JSONValue = [["name": "f", "input_schema": ["type": "object"]], ["type": .string(type), "name": "srv"]]
        #expect(anthropicRefusal(anthropicRequest(["tools": tools]))?.param == "tools[1]")
    }

    @Test func customToolExtrasAreRefused() {
        let tools: JSONValue = [["name": "f", "input_schema": ["type": "object"], "defer_loading": true]]
        #expect(anthropicRefusal(anthropicRequest(["tools": tools]))?.param == "tools[0].defer_loading")
    }

    @Test(arguments: [
        (#"[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]"#, "messages[0].content[0].source"),
        (#"[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"AA"}}]}]"#, "messages[0].content[0].source"),
        (#"[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://x/a.pdf"}}]}]"#, "messages[0].content[0].source"),
        (#"[{"role":"user","content":[{"type":"document","source":{"type":"file","file_id":"f"}}]}]"#, "messages[0].content[0].source"),
        (#"[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{"type":"url","url":"https://x"}}]}]}]"#, "messages[0].content[0].content[0]"),
        (#"[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"}]},{"role":"user","content":"x"}]"#, "messages[1].content[0]"),
        (#"[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"redacted_thinking","data":"x"}]},{"role":"user","content":"x"}]"#, "messages[1].content[0]"),
        (#"[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"server_tool_use","id":"s","name":"web_search","input":{}}]},{"role":"user","content":"x"}]"#, "messages[1].content[0]"),
        (#"[{"role":"user","content":[{"type":"web_search_tool_result","tool_use_id":"s","content":[]}]}]"#, "messages[0].content[0]"),
        (#"[{"role":"user","content":[{"type":"text","text":"a","citations":[{"type":"char_location"}]}]}]"#, "messages[0].content[0].citations"),
        (#"[{"role":"user","content":"q"},{"role":"assistant","content":"The answer is ("}]"#, "messages[1]"),
        (#"[{"role":"user","content":[{"type":"container_upload","file_id":"f"}]}]"#, "messages[0].content[0]"),
    ])
    func refusedBlocks(messages: String, param: String) {
        #expect(anthropicRefusal(anthropicRequest(["messages": json(messages)]))?.param == param)
    }

    @Test func thinkingRefusalSaysWhy() {
        let refusal = anthropicRefusal(anthropicRequest(["messages": json(#"[{"role":"user","content":[{"type":"thinking","thinking":"x","signature":"s"}]}]"#)]))
        #expect(refusal?.message == "thinking cannot be sent to an OpenAI-format model")
    }
}
