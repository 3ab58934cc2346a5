import Core
import Providers
import Testing

/// ConverseStream events (type, JSON payload) fed to `ChatToConverse.StreamTranslator`.
@Suite struct ConverseStreamTests {
    static let events: [(String, String)] = [
        ("messageStart", #"{"role":"assistant","p":"abcdef"}"#),
        ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"ab"}"#),
        ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"lo"}}"#),
        ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hmm"}}}"#),
        ("contentBlockStop", #"{"contentBlockIndex":0}"#),
        ("contentBlockStart", #"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_1","name":"lookup"}}}"#),
        ("contentBlockDelta", #"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"q\""}}}"#),
        ("contentBlockDelta", #"{"contentBlockIndex":1,"delta":{"toolUse":{"input":":\"x\"}"}}}"#),
        ("contentBlockStop", #"{"contentBlockIndex":1}"#),
        ("contentBlockStart", #"{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"tooluse_2","name":"ping"}}}"#),
        ("contentBlockDelta", #"{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{}"}}}"#),
        ("contentBlockStop", #"{"contentBlockIndex":2}"#),
        ("messageStop", #"{"stopReason":"tool_use"}"#),
        ("metadata", #"{"usage":{"inputTokens":20,"outputTokens":9,"totalTokens":39,"cacheReadInputTokens":10},"metrics":{"latencyMs":300}}"#),
    ]

    func run(_ events: [(String, String)], includeUsage: Bool = true) -> (out: [WireEvent], translator: ChatToConverse.StreamTranslator) {
        var translator = ChatToConverse.StreamTranslator(includeUsage: includeUsage, model: "claude-x")
        var out: [WireEvent] = []
        for (name, data) in events { out += translator.translate(name: name, data: Array(data.utf8)) }
        out += translator.finish()
        return (out, translator)
    }

    @Test func fullStream() {
        let (out, translator) = run(Self.events)
        let chunks = parsed(out)
        #expect(chunks.count == 11)
        #expect(chunks[0]["choices"]?[0]?["delta"] == ["role": "assistant", "content": ""])
        #expect(chunks[0]["object"] == "chat.completion.chunk")
        #expect(chunks[0]["model"] == "claude-x")
        #expect(Set(chunks.dropLast().map { $0["id"] }).count == 1)
        #expect(chunks[1]["choices"]?[0]?["delta"] == ["content": "Hel"])
        #expect(chunks[2]["choices"]?[0]?["delta"] == ["content": "lo"])
        #expect(chunks[3]["choices"]?[0]?["delta"] == json(#"{"tool_calls":[{"index":0,"id":"tooluse_1","type":"function","function":{"name":"lookup","arguments":""}}]}"#))
        #expect(chunks[4]["choices"]?[0]?["delta"] == json(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\""}}]}"#))
        let arguments = chunks[4...5].compactMap { $0["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue }.joined()
        #expect(json(arguments) == ["q": "x"])
        #expect(chunks[6]["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["index"] == 1)
        #expect(chunks[7]["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["index"] == 1)
        #expect(chunks[8]["choices"]?[0]?["finish_reason"] == "tool_calls")
        #expect(chunks[9]["choices"] == [])
        #expect(chunks[9]["usage"] == json(#"{"prompt_tokens":30,"completion_tokens":9,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":10}}"#))
        #expect(out.last == .done)
        #expect(translator.usage == TokenUsage(inputTokens: 20, outputTokens: 9, cacheReadTokens: 10))
        #expect(translator.dropped == ["contentBlockDelta.delta.reasoningContent", "metrics"])
        #expect(translator.failure == nil)
    }

    @Test func usageChunkOnlyWhenAsked() {
        let (out, translator) = run(Self.events, includeUsage: false)
        let chunks = parsed(out)
        #expect(chunks.last == "[DONE]")
        #expect(!chunks.contains { $0["usage"] != nil })
        #expect(translator.usage?.outputTokens == 9)
    }

    @Test func endWithoutMetadataAndCutStream() {
        let (out, _) = run(Array(Self.events.prefix(13)))
        #expect(parsed(out).suffix(2).first?["usage"] == json(#"{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0,"prompt_tokens_details":{"cached_tokens":0}}"#))
        #expect(out.last == .done)
        let (cut, translator) = run(Array(Self.events.prefix(8)))
        #expect(!cut.contains(.done))
        #expect(!parsed(cut).contains { $0["choices"]?[0]?["finish_reason"] != nil && $0["choices"]?[0]?["finish_reason"] != .null })
        var again = translator
        #expect(again.finish().isEmpty)
    }

    @Test(arguments: [
        ("exception:throttlingException", #"{"message":"Too many tokens"}"#, "rate_limit_error", "throttling_exception"),
        ("exception:modelStreamErrorException", #"{"message":"Model failed","originalStatusCode":500}"#, "server_error", "model_stream_error_exception"),
        ("exception:validationException", #"{"message":"Bad input"}"#, "invalid_request_error", "validation_exception"),
        ("exception:serviceUnavailableException", #"{"message":"Unavailable"}"#, "server_error", "service_unavailable_exception"),
        ("exception:internalServerException", #"{"message":"Oops"}"#, "server_error", "internal_server_exception"),
    ])
    func exceptionMidStream(name: String, data: String, type: String, code: String) {
        let (out, translator) = run(Array(Self.events.prefix(3)) + [(name, data)] + Array(Self.events.suffix(2)))
        let chunks = parsed(out)
        #expect(chunks.count == 4)
        #expect(chunks[3]["error"]?["type"] == .string(type))
        #expect(chunks[3]["error"]?["code"] == .string(code))
        #expect(chunks[3]["error"]?["param"] == .null)
        #expect(chunks[3]["error"]?["message"] == json(data)["message"])
        #expect(chunks[3]["error"]?["originalStatusCode"] == nil)
        #expect(!out.contains(.done))
        #expect(translator.failure == nil)
    }

    @Test func unreadableExceptionStillEndsWithAnError() {
        let (out, _) = run([Self.events[0], ("exception:throttlingException", "not json")])
        #expect(parsed(out).last == json(#"{"error":{"message":"the upstream stream failed","type":"rate_limit_error","param":null,"code":"throttling_exception"}}"#))
    }

    @Test func unknownEventsAndMembersAreNamed() {
        let (out, translator) = run([Self.events[0], ("brandNewEvent", "{}"),
                                     ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"a","extra":1},"shiny":true}"#)])
        #expect(parsed(out).count == 2)
        #expect(translator.dropped == ["event.brandNewEvent", "contentBlockDelta.shiny", "contentBlockDelta.delta.extra"])
    }

    @Test func failures() {
        #expect(run([Self.events[0], ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":7}}"#)]).translator.failure
            == UntranslatableAnswer(reason: "a text delta is not a string"))
        #expect(run([Self.events[1]]).translator.failure == UntranslatableAnswer(reason: "contentBlockDelta before messageStart"))
        #expect(run([Self.events[0], ("contentBlockDelta", #"{"contentBlockIndex":4,"delta":{"toolUse":{"input":"{}"}}}"#)]).translator.failure
            == UntranslatableAnswer(reason: "a toolUse delta outside a toolUse block"))
        #expect(run([Self.events[0], ("contentBlockDelta", "garbage")]).translator.failure == UntranslatableAnswer(reason: "an event is not a JSON object"))
        // Nothing is sent after a failure.
        let (out, _) = run([Self.events[0], ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":7}}"#)] + Array(Self.events.suffix(2)))
        #expect(parsed(out).count == 1)
    }
}
