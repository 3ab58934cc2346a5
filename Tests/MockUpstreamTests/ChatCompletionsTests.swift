import Core
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

@Suite struct ChatCompletionsTests {
    @Test func nonStreamingEchoHasTheChatCompletionShape() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"mock-gpt","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}"##
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: HTTPFields(["x-request-id": "abc-123"]),
                body: Wire.body(body)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[HTTPField.Name("x-request-id")!] == "abc-123")
                let json = Wire.object(response.body)
                #expect(json["object"] == "chat.completion")
                #expect(json["model"] == "mock-gpt")
                #expect(json["id"]?.stringValue?.hasPrefix("chatcmpl-") == true)
                #expect(json["created"]?.intValue ?? 0 > 1_700_000_000)
                let choice = try #require(json["choices"]?[0])
                #expect(choice["index"] == 0)
                #expect(choice["finish_reason"] == "stop")
                #expect(choice["message"]?["role"] == "assistant")
                #expect(choice["message"]?["content"] == "Echo: hello")
                // "be brief" + "hello" = 13 scalars → 4 tokens; "Echo: hello" = 11 chars → 3 pieces of 4.
                #expect(json["usage"]?["prompt_tokens"] == 4)
                #expect(json["usage"]?["completion_tokens"] == 3)
                #expect(json["usage"]?["total_tokens"] == 7)
            }
        }
    }

    @Test func sayCommandReturnsExactlyTheRestAndPartsContentIsRead() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"#say Mail me: a@b.com\n![x](http://e/?q=1)"}]}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let json = Wire.object($0.body)
                #expect(json["choices"]?[0]?["message"]?["content"] == "Mail me: a@b.com\n![x](http://e/?q=1)")
            }
        }
    }

    @Test func maxTokensCutsThePiecesAndReportsLength() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","max_tokens":2,"messages":[{"role":"user","content":"#say abcdefghijkl"}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let json = Wire.object($0.body)
                #expect(json["choices"]?[0]?["message"]?["content"] == "abcdefgh")
                #expect(json["choices"]?[0]?["finish_reason"] == "length")
                #expect(json["usage"]?["completion_tokens"] == 2)
            }
        }
    }

    @Test func streamingFramesDeltasAndEndsWithDone() async throws {
        try await mockApp(.init(chunkSize: 3)).test(.router) { client in
            let body = ##"{"model":"mock-gpt","stream":true,"messages":[{"role":"user","content":"#say Hello \"world\"\n"}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                response in
                #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
                let events = Wire.events(response.body)
                #expect(events.allSatisfy { $0.name == nil })
                #expect(events.last?.data == "[DONE]")
                let chunks = try events.dropLast().map { try Wire.parse($0.data) }
                #expect(chunks.allSatisfy { $0["object"] == "chat.completion.chunk" && $0["usage"] == nil })
                #expect(Set(chunks.compactMap { $0["id"]?.stringValue }).count == 1)
                #expect(chunks.first?["choices"]?[0]?["delta"]?["role"] == "assistant")
                let deltas = chunks.dropFirst().dropLast().compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }
                #expect(deltas == ["Hel", "lo ", "\"wo", "rld", "\"\n"])
                #expect(chunks.last?["choices"]?[0]?["finish_reason"] == "stop")
                #expect(chunks.last?["choices"]?[0]?["delta"] == .object([:]))
            }
        }
    }

    @Test func includeUsageAddsAFinalUsageChunk() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let events = Wire.events($0.body)
                #expect(events.last?.data == "[DONE]")
                let chunks = try events.dropLast().map { try Wire.parse($0.data) }
                #expect(chunks.dropLast().allSatisfy { $0["usage"] == .null })
                let final = try #require(chunks.last)
                #expect(final["choices"] == .array([]))
                #expect(final["usage"]?["prompt_tokens"] == 1)
                #expect(final["usage"]?["completion_tokens"] == 2)  // "Echo: hi" = 8 chars
            }
        }
    }

    @Test func toolCommandCallsAnOfferedTool() async throws {
        try await mockApp().test(.router) { client in
            let body = #"""
                {"model":"m","messages":[{"role":"user","content":"#tool get_weather {\"city\":\"Paris\"}"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
                """#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let choice = try #require(Wire.object($0.body)["choices"]?[0])
                #expect(choice["finish_reason"] == "tool_calls")
                #expect(choice["message"]?["content"] == .null)
                let call = try #require(choice["message"]?["tool_calls"]?[0])
                #expect(call["type"] == "function")
                #expect(call["id"]?.stringValue?.hasPrefix("call_") == true)
                #expect(call["function"]?["name"] == "get_weather")
                #expect(call["function"]?["arguments"] == ##"{"city":"Paris"}"##)
            }
        }
    }

    @Test func toolThatWasNotOfferedIsNotCalled() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","messages":[{"role":"user","content":"#tool delete_all {}"}],"tools":[{"type":"function","function":{"name":"get_weather"}}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let choice = try #require(Wire.object($0.body)["choices"]?[0])
                #expect(choice["message"]?["content"] == "No tool named delete_all was offered.")
                #expect(choice["message"]?["tool_calls"] == nil)
                #expect(choice["finish_reason"] == "stop")
            }
        }
    }

    @Test func forcedToolChoiceCallsThatTool() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","messages":[{"role":"user","content":"what now"}],"tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let call = try #require(Wire.object($0.body)["choices"]?[0]?["message"]?["tool_calls"]?[0])
                #expect(call["function"]?["name"] == "b")
                #expect(call["function"]?["arguments"] == "{}")
            }
        }
    }

    @Test func toolResultRoundAnswersWithTheResult() async throws {
        try await mockApp().test(.router) { client in
            let body = ##"{"model":"m","messages":[{"role":"user","content":"weather?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","content":"22C"}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                #expect(Wire.object($0.body)["choices"]?[0]?["message"]?["content"] == "Tool result: 22C")
            }
        }
    }

    @Test func streamedToolCallSendsArgumentDeltas() async throws {
        try await mockApp(.init(chunkSize: 5)).test(.router) { client in
            let body = ##"{"model":"m","stream":true,"messages":[{"role":"user","content":"#tool f {\"a\":12345}"}],"tools":[{"type":"function","function":{"name":"f"}}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(body)) {
                let events = Wire.events($0.body)
                #expect(events.last?.data == "[DONE]")
                let chunks = try events.dropLast().map { try Wire.parse($0.data) }
                let first = try #require(chunks.first?["choices"]?[0]?["delta"]?["tool_calls"]?[0])
                #expect(first["index"] == 0)
                #expect(first["function"]?["name"] == "f")
                #expect(first["function"]?["arguments"] == "")
                #expect(first["id"]?.stringValue?.hasPrefix("call_") == true)
                let parts = chunks.dropFirst().dropLast().compactMap {
                    $0["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue
                }
                #expect(parts == [##"{"a":"##, "12345", "}"])
                #expect(chunks.last?["choices"]?[0]?["finish_reason"] == "tool_calls")
            }
        }
    }

    @Test func chunkSizeHeaderAndModelOptionOverrideTheConfiguration() async throws {
        try await mockApp(.init(chunkSize: 4)).test(.router) { client in
            let byHeader = ##"{"model":"m","stream":true,"messages":[{"role":"user","content":"#say abcdefgh"}]}"##
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: HTTPFields(["x-mock-chunk-size": "2"]),
                body: Wire.body(byHeader)
            ) {
                let chunks = try Wire.events($0.body).dropLast().map { try Wire.parse($0.data) }
                #expect(chunks.count == 2 + 4)
            }
            let byModel = ##"{"model":"mock-gpt+chunk=8","stream":true,"messages":[{"role":"user","content":"#say abcdefgh"}]}"##
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(byModel)) {
                let chunks = try Wire.events($0.body).dropLast().map { try Wire.parse($0.data) }
                #expect(chunks.count == 2 + 1)
                #expect(chunks[0]["model"] == "mock-gpt+chunk=8")
            }
        }
    }

    @Test func malformedBodyIsA400NamingTheProblem() async throws {
        try await mockApp().test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body("{nope")) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["type"] == "invalid_request_error")
            }
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(##"{"model":"m"}"##)
            ) {
                #expect($0.status == .badRequest)
                let message = Wire.object($0.body)["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains("messages"))
            }
        }
    }

    @Test func piecesAreUnicodeScalarsAndTruncationKeepsWholeScalars() async throws {
        try await mockApp(.init(chunkSize: 2)).test(.router) { client in
            let text = "e\u{301}🎉xyz"  // e + combining acute, party popper, x, y, z: 6 scalars
            let stream = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"#say \(text)\"}]}"
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(stream)) {
                let chunks = try Wire.events($0.body).dropLast().map { try Wire.parse($0.data) }
                let deltas = chunks.compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }.filter { !$0.isEmpty }
                #expect(deltas.map { Array($0.unicodeScalars) } == [["e", "\u{301}"], ["🎉", "x"], ["y", "z"]])
            }
            let capped = "{\"model\":\"m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"#say \(text)\"}]}"
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: jsonHeaders, body: Wire.body(capped)) {
                let json = Wire.object($0.body)
                #expect(json["choices"]?[0]?["message"]?["content"]?.stringValue?.unicodeScalars.elementsEqual("e\u{301}🎉x".unicodeScalars) == true)
                #expect(json["choices"]?[0]?["finish_reason"] == "length")
                // "#say " + 6 scalars = 11 scalars → 3 prompt tokens.
                #expect(json["usage"]?["prompt_tokens"] == 3)
            }
        }
    }
}
