import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// Usage with prompt caching, and `count_tokens`.
@Suite struct AnthropicUsageTests {
    /// A 40-scalar system block (10 tokens) marked for caching, then the prompt `#say ok` (7 scalars):
    /// 47 scalars, 12 prompt tokens, of which 10 are the cached prefix.
    static func cachedSystem(model: String = "c", stream: Bool = false) -> String {
        ##"{"model":"\##(model)","max_tokens":100,"stream":\##(stream),"system":[{"type":"text","text":"0123456789012345678901234567890123456789","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"#say ok"}]}"##
    }

    static func usage(_ json: JSONValue) -> [Int?] {
        ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens"].map {
            json["usage"]?[$0]?.intValue
        }
    }

    static func countTokens(_ client: some TestClientProtocol, _ body: String) async throws -> Int? {
        try await Anthropic.message(client, body, uri: "/v1/messages/count_tokens")["input_tokens"]?.intValue
    }

    @Test func aMarkedPrefixIsWrittenFirstThenRead() async throws {
        try await mockApp().test(.router) { client in
            let first = try await Anthropic.message(client, Self.cachedSystem())
            #expect(Self.usage(first) == [2, 10, 0, 1])
            let second = try await Anthropic.message(client, Self.cachedSystem())
            #expect(Self.usage(second) == [2, 0, 10, 1])
            let got1 = try await Self.countTokens(client, Self.cachedSystem())
            #expect(got1 == 12)  // 2 + 10: the whole prompt
            // The cache is per model; DELETE /mock/cache forgets every prefix.
            let got2 = Self.usage(try await Anthropic.message(client, Self.cachedSystem(model: "d")))
            #expect(got2 == [2, 10, 0, 1])
            try await client.execute(uri: "/mock/cache", method: .delete) { #expect($0.status == .noContent) }
            let got3 = Self.usage(try await Anthropic.message(client, Self.cachedSystem()))
            #expect(got3 == [2, 10, 0, 1])
        }
    }

    @Test func aMarkOnAMessageBlockCachesUpToTheEndOfThatMessage() async throws {
        try await mockApp().test(.router) { client in
            // 20 scalars marked, "ok" (2), "#say hi" (7): 29 scalars = 8 tokens, prefix 5 tokens.
            let body = ##"{"model":"c","max_tokens":100,"messages":[{"role":"user","content":[{"type":"text","text":"aaaaaaaaaaaaaaaaaaaa","cache_control":{"type":"ephemeral"}}]},{"role":"assistant","content":"ok"},{"role":"user","content":"#say hi"}]}"##
            let got4 = Self.usage(try await Anthropic.message(client, body))
            #expect(got4 == [3, 5, 0, 1])
            let got5 = Self.usage(try await Anthropic.message(client, body))
            #expect(got5 == [3, 0, 5, 1])
            let got6 = try await Self.countTokens(client, body)
            #expect(got6 == 8)
            // A different prefix text is a new cache entry.
            let other = body.replacingOccurrences(of: "aaaaaaaaaaaaaaaaaaaa", with: "bbbbbbbbbbbbbbbbbbbb")
            let got7 = Self.usage(try await Anthropic.message(client, other))
            #expect(got7 == [3, 5, 0, 1])
        }
    }

    @Test func streamedUsageInputAtTheStartOutputAtTheEnd() async throws {
        try await mockApp().test(.router) { client in
            _ = try await Anthropic.message(client, Self.cachedSystem())
            let events = try await Anthropic.events(client, Self.cachedSystem(stream: true))
            #expect(Self.usage(events[0]["message"] ?? .null) == [2, 0, 10, 1])
            let delta = try #require(events.first { $0["type"] == "message_delta" })
            #expect(delta["usage"] == ["output_tokens": 1])
        }
    }

    @Test func countTokensEqualsInputTokensWithoutCaching() async throws {
        try await mockApp().test(.router) { client in
            let bodies = [
                ##"{"model":"c","max_tokens":10,"system":"be brief","messages":[{"role":"user","content":"hello there, how are you?"}]}"##,
                ##"{"model":"c","max_tokens":10,"system":[{"type":"text","text":"sys"}],"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"result text"}]}]}"##,
                ##"{"model":"c","max_tokens":10,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"#lorem 30"}]}"##,
            ]
            for body in bodies {
                let message = try await Anthropic.message(client, body)
                let counted = try await Self.countTokens(client, body)
                #expect(counted != nil)
                #expect(counted == message["usage"]?["input_tokens"]?.intValue)
                #expect(message["usage"]?["cache_creation_input_tokens"] == 0)
            }
            // count_tokens needs no max_tokens.
            let got8 = try await Self.countTokens(client, ##"{"model":"c","messages":[{"role":"user","content":"12345678"}]}"##)
            #expect(got8 == 2)
        }
    }

    @Test func countTokensTakesTheErrorKnobsAndChecksTheBody() async throws {
        try await mockApp().test(.router) { client in
            try await client.execute(
                uri: "/v1/messages/count_tokens", method: .post, headers: Anthropic.headers,
                body: Wire.body(##"{"model":"mock-error-429","messages":[{"role":"user","content":"x"}]}"##)
            ) {
                #expect($0.status == .tooManyRequests)
                #expect(Wire.object($0.body)["error"]?["type"] == "rate_limit_error")
            }
            try await client.execute(
                uri: "/v1/messages/count_tokens", method: .post, headers: Anthropic.headers, body: Wire.body(##"{"model":"c"}"##)
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["message"]?.stringValue?.contains("messages") == true)
            }
        }
    }
}
