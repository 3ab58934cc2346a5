import Core
import Providers
import Testing

/// Refusals that need more than one field to arise, and the remaining per-field ones.
@Suite struct MoreRefusalTests {
    @Test func toolsAndLegacyFunctionsTogether() {
        let body = chatRequest(["tools": [["type": "function", "function": ["name": "f"]]], "functions": [["name": "g"]]])
        #expect(chatRefusal(body)?.param == "functions")
    }

    @Test func toolChoiceAndLegacyFunctionCallTogether() {
        let body = chatRequest(["tools": [["type": "function", "function": ["name": "f"]]], "tool_choice": "auto", "function_call": "auto"])
        #expect(chatRefusal(body)?.param == "function_call")
    }

    @Test func differingUserIDs() throws {
        #expect(chatRefusal(chatRequest(["user": "a", "safety_identifier": "b"]))?.param == "safety_identifier")
        let same = try ChatToAnthropic.request(chatRequest(["user": "a", "safety_identifier": "a"]), defaultMaxTokens: 1)
        #expect(same["metadata"] == ["user_id": "a"])
    }

    @Test func jsonSchemaDescriptionIsRefused() {
        let format = json(#"{"type":"json_schema","json_schema":{"name":"r","description":"d","schema":{"type":"object"}}}"#)
        #expect(chatRefusal(chatRequest(["response_format": format]))?.param == "response_format.json_schema.description")
    }

    @Test(arguments: [
        (#"{"name":"f","input_schema":{"type":"object"},"allowed_callers":["code_execution_20250825"]}"#, "tools[0].allowed_callers"),
        (#"{"name":"f","input_schema":{"type":"object"},"input_examples":[{"a":1}]}"#, "tools[0].input_examples"),
        (#"{"name":"f","input_schema":{"type":"object"},"eager_input_streaming":true}"#, "tools[0].eager_input_streaming"),
    ])
    func anthropicCustomToolExtras(tool: String, param: String) {
        #expect(anthropicRefusal(anthropicRequest(["tools": [json(tool)]]))?.param == param)
    }

    @Test func imageTransformationsAreRefused() {
        let messages = json(#"[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x"},"transformations":{"resize":"fit"}}]}]"#)
        #expect(anthropicRefusal(anthropicRequest(["messages": messages]))?.param == "messages[0].content[0].transformations")
    }

    @Test func systemMessageInsideMessagesStaysInPlace() throws {
        let messages = json(#"[{"role":"user","content":"a"},{"role":"system","content":"rule"},{"role":"user","content":"b"}]"#)
        let out = try AnthropicToChat.request(anthropicRequest(["messages": messages]))
        #expect(out["messages"] == json(#"[{"role":"user","content":"a"},{"role":"system","content":"rule"},{"role":"user","content":"b"}]"#))
    }

    @Test func systemHoistedFromTheMiddle() throws {
        let messages = json(#"[{"role":"user","content":"a"},{"role":"system","content":"rule"},{"role":"user","content":"b"}]"#)
        let out = try ChatToAnthropic.request(chatRequest(["messages": messages]), defaultMaxTokens: 1)
        #expect(out["system"] == json(#"[{"type":"text","text":"rule"}]"#))
        #expect(out["messages"]?.arrayValue?.count == 2)
    }
}
