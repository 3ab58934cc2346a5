import Core
import Providers
import Testing

/// `streamGenerateContent?alt=sse` pieces fed to `ChatToGemini.StreamTranslator`.
@Suite struct GeminiStreamTests {
    static func piece(_ parts: String, finish: String? = nil, usage: String? = nil) -> String {
        var candidate = #"{"content":{"role":"model","parts":"# + parts + "}"
        if let finish { candidate += #","finishReason":""# + finish + "\"" }
        candidate += "}"
        var piece = #"{"candidates":["# + candidate + #"],"modelVersion":"gemini-2.5-flash","responseId":"resp-1""#
        if let usage { piece += #","usageMetadata":"# + usage }
        return piece + "}"
    }

    static let pieces: [String] = [
        piece(#"[{"text":"Hel"}]"#, usage: #"{"promptTokenCount":30,"totalTokenCount":30}"#),
        piece(#"[{"text":"thinking","thought":true},{"text":"lo"}]"#),
        piece(#"[{"functionCall":{"name":"lookup","args":{"q":"x"}}}]"#),
        piece(#"[{"functionCall":{"name":"ping","args":{}}}]"#, finish: "STOP",
              usage: #"{"promptTokenCount":30,"candidatesTokenCount":7,"thoughtsTokenCount":2,"totalTokenCount":39,"cachedContentTokenCount":10}"#),
    ]

    func run(_ pieces: [String], includeUsage: Bool = true) -> (out: [WireEvent], translator: ChatToGemini.StreamTranslator) {
        var translator = ChatToGemini.StreamTranslator(includeUsage: includeUsage)
        var out: [WireEvent] = []
        for data in pieces { out += translator.translate(name: nil, data: Array(data.utf8)) }
        out += translator.finish()
        return (out, translator)
    }

    @Test func fullStream() {
        let (out, translator) = run(Self.pieces)
        let chunks = parsed(out)
        #expect(chunks.count == 8)
        #expect(chunks[0]["id"] == "resp-1")
        #expect(chunks[0]["model"] == "gemini-2.5-flash")
        #expect(chunks[0]["choices"]?[0]?["delta"] == ["role": "assistant", "content": ""])
        #expect(chunks[1]["choices"]?[0]?["delta"] == ["content": "Hel"])
        #expect(chunks[2]["choices"]?[0]?["delta"] == ["content": "lo"])
        #expect(chunks[3]["choices"]?[0]?["delta"] == json(#"{"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]}"#))
        #expect(chunks[4]["choices"]?[0]?["delta"] == json(#"{"tool_calls":[{"index":1,"id":"call_1","type":"function","function":{"name":"ping","arguments":"{}"}}]}"#))
        #expect(chunks[5]["choices"]?[0]?["finish_reason"] == "tool_calls")
        #expect(chunks[6]["choices"] == [])
        #expect(chunks[6]["usage"] == json(#"{"prompt_tokens":30,"completion_tokens":9,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":10}}"#))
        #expect(chunks[7] == "[DONE]")
        #expect(translator.usage == TokenUsage(inputTokens: 20, outputTokens: 9, cacheReadTokens: 10))
        #expect(translator.dropped == ["candidates[].content.parts[].thought"])
        #expect(translator.failure == nil)
    }

    @Test func usageChunkOnlyWhenAsked() {
        let (out, translator) = run(Self.pieces, includeUsage: false)
        #expect(!parsed(out).contains { $0["usage"] != nil })
        #expect(out.last == .done)
        #expect(translator.usage?.outputTokens == 9)
    }

    @Test func cutStreamGetsNoEnd() {
        let (out, translator) = run(Array(Self.pieces.prefix(3)))
        #expect(!out.contains(.done))
        #expect(parsed(out).count == 4)
        var again = translator
        #expect(again.finish().isEmpty)
    }

    @Test func textOnlyStreamStops() {
        let (out, _) = run([Self.piece(#"[{"text":"Hi"}]"#), Self.piece(#"[{"text":"!"}]"#, finish: "MAX_TOKENS")])
        let chunks = parsed(out)
        #expect(chunks.map { $0["choices"]?[0]?["delta"]?["content"] ?? .null } == ["", "Hi", "!", .null, .null, .null])
        #expect(chunks[3]["choices"]?[0]?["finish_reason"] == "length")
    }

    @Test func errorMidStream() {
        let error = #"{"error":{"code":503,"message":"The model is overloaded","status":"UNAVAILABLE","details":[{"x":1}]}}"#
        let (out, translator) = run([Self.pieces[0], error, Self.pieces[3]])
        let chunks = parsed(out)
        #expect(chunks.count == 3)
        #expect(chunks[2] == json(#"{"error":{"message":"The model is overloaded","type":"server_error","param":null,"code":"unavailable"}}"#))
        #expect(!out.contains(.done))
        #expect(translator.failure == nil)
    }

    @Test func blockedPromptEndsWithContentFilter() {
        let (out, _) = run([#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}"#])
        let chunks = parsed(out)
        #expect(chunks[1]["choices"]?[0]?["finish_reason"] == "content_filter")
        #expect(out.last == .done)
    }

    @Test func failuresAndUnknownMembers() {
        let (_, bad) = run([Self.piece(#"[{"text":5}]"#)])
        #expect(bad.failure == UntranslatableAnswer(reason: "candidates[0].content.parts[0].text is not a string"))
        let (_, garbage) = run(["garbage"])
        #expect(garbage.failure == UntranslatableAnswer(reason: "a piece is not a JSON object"))
        let (out, named) = run([#"{"candidates":[{"content":{"parts":[{"text":"a","videoMetadata":{}}]},"groundingMetadata":{}}],"sparkle":1}"#])
        #expect(parsed(out).count == 2)
        #expect(named.dropped == ["candidates[].groundingMetadata", "candidates[].content.parts[].videoMetadata", "sparkle"])
    }

    @Test func aNamedEventIsNotAPieceOfTheAnswer() {
        var translator = ChatToGemini.StreamTranslator(includeUsage: true)
        let leaked = translator.translate(name: "debug", data: Array(Self.piece(#"[{"text":"from an unknown event"}]"#).utf8))
        #expect(leaked.isEmpty, "nothing of an event Google never sends goes on")
        #expect(translator.dropped == ["event.debug"])
        let out = translator.translate(name: nil, data: Array(Self.piece(#"[{"text":"real"}]"#).utf8))
        #expect(!out.isEmpty)
    }
}
