import Core
import Providers
import Testing

func geminiRefusal(_ body: JSONValue) -> UntranslatableRequest? {
    do { _ = try ChatToGemini.request(body, defaultMaxTokens: 4096); return nil } catch { return error }
}

@Suite struct GeminiTranslationTests {
    @Test func conversationWithSystemToolsAndImages() throws {
        let chat = json("""
        {"model":"gemini-x","stream":true,"stream_options":{"include_usage":true},
         "max_tokens":50,"temperature":1.5,"top_p":0.9,"stop":["END"],"n":1,"seed":7,"presence_penalty":0.5,"frequency_penalty":0,
         "response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":{"type":"object"}}},
         "messages":[
          {"role":"system","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"What is in"},
             {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAAA"}}]},
          {"role":"assistant","content":"","tool_calls":[
             {"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"{\\"found\\":\\"x\\"}"},
          {"role":"tool","tool_call_id":"call_1","content":"plain words"},
          {"role":"user","content":"thanks"}],
         "tools":[{"type":"function","function":{"name":"lookup","description":"Look up","parameters":{"type":"object","properties":{"q":{"type":"string"}},"additionalProperties":false}}},
                  {"type":"function","function":{"name":"ping"}}],
         "tool_choice":{"type":"function","function":{"name":"lookup"}}}
        """)
        let out = try ChatToGemini.request(chat, defaultMaxTokens: 4096)
        #expect(out == json("""
        {"systemInstruction":{"parts":[{"text":"Be brief."}]},
         "generationConfig":{"maxOutputTokens":50,"temperature":1.5,"topP":0.9,"stopSequences":["END"],"seed":7,"presencePenalty":0.5,
            "responseMimeType":"application/json","responseJsonSchema":{"type":"object"}},
         "contents":[
          {"role":"user","parts":[{"text":"What is in"},{"inlineData":{"mimeType":"image/jpeg","data":"AAAA"}}]},
          {"role":"model","parts":[{"functionCall":{"name":"lookup","args":{"q":"x"}}}]},
          {"role":"user","parts":[{"functionResponse":{"name":"lookup","response":{"found":"x"}}},
             {"functionResponse":{"name":"lookup","response":{"content":"plain words"}}},{"text":"thanks"}]}],
         "tools":[{"functionDeclarations":[
            {"name":"lookup","description":"Look up","parametersJsonSchema":{"type":"object","properties":{"q":{"type":"string"}},"additionalProperties":false}},
            {"name":"ping"}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["lookup"]}}}
        """))
    }

    @Test func toolChoicesAndJSONMode() throws {
        let tools: JSONValue = [["type": "function", "function": ["name": "f"]]]
        for (choice, mode) in [("none", "NONE"), ("auto", "AUTO"), ("required", "ANY")] as [(JSONValue, JSONValue)] {
            let out = try ChatToGemini.request(chatRequest(["tools": tools, "tool_choice": choice]), defaultMaxTokens: 1)
            #expect(out["toolConfig"] == ["functionCallingConfig": ["mode": mode]])
        }
        let jsonMode = try ChatToGemini.request(chatRequest(["response_format": ["type": "json_object"]]), defaultMaxTokens: 9)
        #expect(jsonMode["generationConfig"] == ["maxOutputTokens": 9, "responseMimeType": "application/json"])
    }

    @Test(arguments: [
        ("n", JSONValue.integer(2), "n"), ("logprobs", true, "logprobs"), ("top_logprobs", 2, "top_logprobs"),
        ("logit_bias", ["50256": -100], "logit_bias"), ("audio", ["voice": "x"], "audio"), ("modalities", ["text", "audio"], "modalities"),
        ("prediction", ["type": "content", "content": "x"], "prediction"), ("parallel_tool_calls", false, "parallel_tool_calls"),
        ("user", "u-1", "user"), ("safety_identifier", "u-1", "safety_identifier"), ("temperature", 2.5, "temperature"),
        ("store", true, "store"), ("service_tier", "flex", "service_tier"), ("reasoning_effort", "low", "reasoning_effort"),
        ("metadata", ["k": "v"], "metadata"), ("web_search_options", [:], "web_search_options"),
        ("functions", [["name": "f"]], "functions"), ("function_call", "auto", "function_call"), ("brand_new", 1, "brand_new"),
        ("response_format", ["type": "json_schema", "json_schema": ["name": "a", "description": "d", "schema": [:]]], "response_format.json_schema.description"),
        ("tools", [["type": "custom", "custom": ["name": "c"]]], "tools[0]"),
        ("tool_choice", ["type": "allowed_tools", "allowed_tools": [:]], "tool_choice"),
    ] as [(String, JSONValue, String)])
    func refusesWhatGeminiCannotExpress(field: String, value: JSONValue, param: String) {
        #expect(geminiRefusal(chatRequest([field: value]))?.param == param)
    }

    @Test func refusesToolResultsWithoutTheirCall() {
        let messages = json(#"[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"nowhere","content":"r"}]"#)
        #expect(geminiRefusal(chatRequest(["messages": messages]))?.param == "messages[1].tool_call_id")
        let url = json(#"[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]"#)
        #expect(geminiRefusal(chatRequest(["messages": url]))?.param == "messages[0].content[0].image_url.url")
    }

    @Test func answerWithTextCallsAndUsage() throws {
        let gemini = json("""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"secret plan","thought":true},{"text":"Let me "},{"text":"check."},
            {"functionCall":{"name":"lookup","args":{"q":"x"}}},{"functionCall":{"name":"ping","args":{}}}]},
          "finishReason":"STOP","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_HATE_SPEECH","probability":"NEGLIGIBLE"}],
          "avgLogprobs":-0.5,"citationMetadata":{"citationSources":[]}}],
         "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":5,"thoughtsTokenCount":4,"totalTokenCount":39,"cachedContentTokenCount":10,
           "promptTokensDetails":[{"modality":"TEXT","tokenCount":30}]},
         "modelVersion":"gemini-2.5-flash","responseId":"resp-1","createTime":"2025-01-01T00:00:00Z"}
        """)
        let out = try ChatToGemini.answer(gemini)
        #expect(out.json["id"] == "resp-1")
        #expect(out.json["model"] == "gemini-2.5-flash")
        #expect(out.json["choices"]?[0]?["message"] == json("""
        {"role":"assistant","content":"Let me check.","tool_calls":[
          {"id":"call_0","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}},
          {"id":"call_1","type":"function","function":{"name":"ping","arguments":"{}"}}]}
        """))
        #expect(out.json["choices"]?[0]?["finish_reason"] == "tool_calls")
        #expect(out.json["usage"] == json(#"{"prompt_tokens":30,"completion_tokens":9,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":10}}"#))
        #expect(out.dropped == ["candidates[].avgLogprobs", "candidates[].citationMetadata", "candidates[].safetyRatings",
                                "candidates[].content.parts[].thought", "createTime"])
        #expect(ChatToGemini.usage(gemini) == TokenUsage(inputTokens: 20, outputTokens: 9, cacheReadTokens: 10))
        #expect(try ChatToGemini.answer(gemini, model: "gemini-x").json["model"] == "gemini-x")
    }

    @Test(arguments: [
        ("STOP", "stop"), ("MAX_TOKENS", "length"), ("SAFETY", "content_filter"), ("RECITATION", "content_filter"),
        ("BLOCKLIST", "content_filter"), ("PROHIBITED_CONTENT", "content_filter"), ("SPII", "content_filter"),
        ("IMAGE_SAFETY", "content_filter"), ("OTHER", "stop"),
    ])
    func everyFinishReason(reason: String, finishReason: String) throws {
        let gemini: JSONValue = ["candidates": [["content": ["role": "model", "parts": [["text": "x"]]], "finishReason": .string(reason)]]]
        let out = try ChatToGemini.answer(gemini)
        #expect(out.json["choices"]?[0]?["finish_reason"] == .string(finishReason))
        #expect(out.dropped == (reason == "OTHER" ? ["finishReason.OTHER"] : []))
    }

    @Test func blockedPromptIsAContentFilterAnswer() throws {
        let gemini = json(#"{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8}}"#)
        let out = try ChatToGemini.answer(gemini)
        #expect(out.json["choices"]?[0]?["message"] == ["role": "assistant", "content": ""])
        #expect(out.json["choices"]?[0]?["finish_reason"] == "content_filter")
        #expect(out.dropped == ["promptFeedback.safetyRatings", "promptFeedback.blockReason"])
        #expect(throws: UntranslatableAnswer(reason: "the answer has no candidate")) { try ChatToGemini.answer(json(#"{"modelVersion":"m"}"#)) }
    }

    @Test func textThatIsNotTextFails() {
        let gemini = json(#"{"candidates":[{"content":{"role":"model","parts":[{"text":["x"]}]},"finishReason":"STOP"}]}"#)
        #expect(throws: UntranslatableAnswer(reason: "candidates[0].content.parts[0].text is not a string")) { try ChatToGemini.answer(gemini) }
    }

    @Test func errorBodies() {
        let body = #"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED","details":[{"@type":"x","quota":"secret"}]}}"#
        #expect(json(text(ChatToGemini.errorBody(Array(body.utf8), status: 429)))
            == json(#"{"error":{"message":"Resource has been exhausted","type":"rate_limit_error","param":null,"code":"resource_exhausted"}}"#))
        let invalid = #"{"error":{"code":400,"message":"Invalid value","status":"INVALID_ARGUMENT"}}"#
        #expect(json(text(ChatToGemini.errorBody(Array(invalid.utf8), status: 400)))
            == json(#"{"error":{"message":"Invalid value","type":"invalid_request_error","param":null,"code":"invalid_argument"}}"#))
        #expect(json(text(ChatToGemini.errorBody(Array("nope".utf8), status: 500)))
            == json(#"{"error":{"message":"the upstream provider returned status 500","type":"server_error","param":null,"code":null}}"#))
    }
}
