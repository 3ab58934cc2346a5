import Core
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// The reply rules not covered per API: `#lorem`, tool_choice none/required, leading whitespace, latency.
@Suite struct ReplyRulesTests {
    func content(_ client: some TestClientProtocol, _ body: String, headers: HTTPFields = jsonHeaders) async throws
        -> JSONValue
    {
        try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: Wire.body(body)) {
            #expect($0.status == .ok)
            return Wire.object($0.body)["choices"]?[0]?["message"] ?? .null
        }
    }

    @Test func loremProducesNDeterministicWords() async throws {
        try await mockApp().test(.router) { client in
            let message = try await content(client, ##"{"model":"m","messages":[{"role":"user","content":"#lorem 21"}]}"##)
            let words = message["content"]?.stringValue?.split(separator: " ") ?? []
            #expect(words.count == 21)
            #expect(words.prefix(3) == ["lorem", "ipsum", "dolor"])
            #expect(words.last == "ipsum")  // 19 words, then the cycle starts again
        }
    }

    @Test func leadingWhitespaceBeforeACommandIsIgnored() async throws {
        try await mockApp().test(.router) { client in
            let message = try await content(client, ##"{"model":"m","messages":[{"role":"user","content":"\n  #say x y"}]}"##)
            #expect(message["content"] == "x y")
        }
    }

    @Test func toolChoiceNoneKeepsToolsUncalled() async throws {
        try await mockApp().test(.router) { client in
            let message = try await content(
                client,
                ##"{"model":"m","tool_choice":"none","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"#tool f {}"}]}"##
            )
            #expect(message["tool_calls"] == nil)
            #expect(message["content"] == "No tool named f was offered.")
        }
    }

    @Test func toolChoiceRequiredCallsTheFirstOfferedToolUnlessTheCommandNamesAnother() async throws {
        try await mockApp().test(.router) { client in
            let tools = ##""tools":[{"type":"function","function":{"name":"first"}},{"type":"function","function":{"name":"second"}}]"##
            let plain = try await content(
                client, ##"{"model":"m","tool_choice":"required","messages":[{"role":"user","content":"hi"}],"## + tools + "}")
            #expect(plain["tool_calls"]?[0]?["function"]?["name"] == "first")
            let named = try await content(
                client,
                ##"{"model":"m","tool_choice":"required","messages":[{"role":"user","content":"#tool second {\"k\":1}"}],"## + tools + "}")
            #expect(named["tool_calls"]?[0]?["function"]?["name"] == "second")
            #expect(named["tool_calls"]?[0]?["function"]?["arguments"] == ##"{"k":1}"##)
        }
    }

    @Test func latencyFromConfigurationHeaderAndModelOptionDelaysTheAnswer() async throws {
        let clock = ContinuousClock()
        let body = ##"{"model":"m","messages":[{"role":"user","content":"hi"}]}"##
        try await mockApp(.init(latencyMs: 150)).test(.router) { client in
            let start = clock.now
            _ = try await content(client, body)
            #expect(clock.now - start >= .milliseconds(150))
        }
        try await mockApp().test(.router) { client in
            let start = clock.now
            _ = try await content(client, body, headers: HTTPFields(["x-mock-latency-ms": "120"]))
            #expect(clock.now - start >= .milliseconds(120))
            let start2 = clock.now
            _ = try await content(client, ##"{"model":"mock-gpt+latency=100","messages":[{"role":"user","content":"hi"}]}"##)
            #expect(clock.now - start2 >= .milliseconds(100))
        }
    }
}
