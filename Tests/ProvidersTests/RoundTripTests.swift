import Core
import Providers
import Testing

@Suite struct RoundTripTests {
    /// chat -> Anthropic -> chat keeps the conversation: roles, texts, tool calls and their results.
    @Test func chatThroughAnthropicAndBack() throws {
        let chat = json("""
        {"model":"m","max_tokens":100,"user":"u-1",
         "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"weather in Oslo?"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"rain"},
          {"role":"assistant","content":"It rains."},{"role":"user","content":"thanks"}],
         "tools":[{"type":"function","function":{"name":"weather","description":"Weather","parameters":{"type":"object"}}}],
         "tool_choice":"auto","stop":["END"],"temperature":0.2}
        """)
        let back = try AnthropicToChat.request(ChatToAnthropic.request(chat, defaultMaxTokens: 4096))
        #expect(back == json("""
        {"model":"m","max_tokens":100,"user":"u-1","stop":["END"],"temperature":0.2,"tool_choice":"auto",
         "tools":[{"type":"function","function":{"name":"weather","description":"Weather","parameters":{"type":"object"}}}],
         "messages":[{"role":"system","content":[{"type":"text","text":"Be brief."}]},
          {"role":"user","content":[{"type":"text","text":"weather in Oslo?"}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"rain"},
          {"role":"assistant","content":[{"type":"text","text":"It rains."}]},
          {"role":"user","content":[{"type":"text","text":"thanks"}]}]}
        """))
    }
}
