import Core
import Providers
import Testing

@testable import Gateway

/// Which calls cross wire formats, which are refused, and what the provider is called with.
@Suite("Upstream translation: chosen per call")
struct UpstreamTranslationTests {
    static let anthropic = ProviderConfiguration(kind: .anthropic, baseURL: "http://a/v1")
    static let openai = ProviderConfiguration(kind: .openai, baseURL: "http://o/v1")
    static let vllm = ProviderConfiguration(kind: .vllm, baseURL: "http://v/v1")
    static let bedrock = ProviderConfiguration(
        kind: .bedrock, baseURL: "http://b", aws: AWSSettings(region: "ap-southeast-1", accessKeyID: try! SecretReference("env:A"), secretAccessKey: try! SecretReference("env:S")))
    static let gemini = ProviderConfiguration(kind: .gemini, baseURL: "http://g/v1beta")

    static func pick(_ operation: Core.Operation, _ provider: ProviderConfiguration) -> Result<UpstreamTranslation, GatewayError> {
        do { return .success(try UpstreamTranslation(operation: operation, model: "m", provider: provider)) } catch { return .failure(error) }
    }

    @Test func pairsAndTheOperationsTheProviderIsCalledWith() throws {
        #expect(try Self.pick(.chatCompletions, Self.anthropic).get() == .chatToAnthropic)
        #expect(try Self.pick(.messages, Self.openai).get() == .anthropicToChat)
        #expect(try Self.pick(.messages, Self.vllm).get() == .anthropicToChat)
        #expect(try Self.pick(.messages, Self.anthropic).get() == UpstreamTranslation.none)
        #expect(try Self.pick(.chatCompletions, Self.openai).get() == UpstreamTranslation.none)
        #expect(UpstreamTranslation.chatToAnthropic.upstreamOperation(for: .chatCompletions) == .messages)
        #expect(UpstreamTranslation.anthropicToChat.upstreamOperation(for: .messages) == .chatCompletions)
        #expect(UpstreamTranslation.chatToAnthropic.upstreamFormat(caller: .openAIChat) == .anthropicMessages)
        #expect(try Self.pick(.chatCompletions, Self.bedrock).get() == .toConverse(fromAnthropic: false))
        #expect(try Self.pick(.messages, Self.bedrock).get() == .toConverse(fromAnthropic: true))
        #expect(try Self.pick(.chatCompletions, Self.gemini).get() == .toGemini(fromAnthropic: false))
        #expect(try Self.pick(.messages, Self.gemini).get() == .toGemini(fromAnthropic: true))
        #expect(UpstreamTranslation.toConverse(fromAnthropic: true).upstreamOperation(for: .messages) == .chatCompletions)
        #expect(UpstreamTranslation.toConverse(fromAnthropic: true).upstreamFormat(caller: .anthropicMessages) == .bedrockConverse)
        #expect(UpstreamTranslation.toGemini(fromAnthropic: false).upstreamFormat(caller: .openAIChat) == .geminiGenerateContent)
    }

    @Test func anthropicCallersReachConverseThroughChat() throws {
        let body = try JSONParser.parse(Array(#"{"model":"m","max_tokens":50,"system":"be brief","messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":"u-1"}}"#.utf8))
        let converse = try UpstreamTranslation.toConverse(fromAnthropic: true).request(body, defaultMaxTokens: 10)
        #expect(converse["system"] == [["text": "be brief"]])
        #expect(converse["messages"]?[0]?["content"]?[0]?["text"] == "hi")
        #expect(converse["inferenceConfig"]?["maxTokens"] == 50)
        #expect(converse["model"] == nil)
        let gemini = try UpstreamTranslation.toGemini(fromAnthropic: true).request(body, defaultMaxTokens: 10)
        #expect(gemini["contents"]?[0]?["parts"]?[0]?["text"] == "hi")
        #expect(!String(decoding: gemini.serialized(), as: UTF8.self).contains("u-1"), "Google has no end-user field: the pseudonymous id is not sent")
        let answer = try JSONParser.parse(Array(#"{"output":{"message":{"role":"assistant","content":[{"text":"hello"}]}},"stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":1,"totalTokens":4}}"#.utf8))
        let translated = try UpstreamTranslation.toConverse(fromAnthropic: true).answer(answer, model: "m")
        #expect(translated.json["type"] == "message" && translated.json["content"]?[0]?["text"] == "hello")
        #expect(translated.json["stop_reason"] == "end_turn")
        #expect(UpstreamTranslation.toConverse(fromAnthropic: true).reportedUsage(answer) == TokenUsage(inputTokens: 3, outputTokens: 1))
    }

    @Test func converseErrorsKeepTheirClassInTheCallersShape() throws {
        let body = Array(#"{"message":"Too many requests, please wait before trying again."}"#.utf8)
        let headers = [("x-amzn-errortype", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/")]
        let chat = try JSONParser.parse(UpstreamTranslation.toConverse(fromAnthropic: false).errorBody(body, status: 429, headers: headers))
        #expect(chat["error"]?["code"] == "throttling_exception")
        let messages = try JSONParser.parse(UpstreamTranslation.toConverse(fromAnthropic: true).errorBody(body, status: 429, headers: headers))
        #expect(messages["type"] == "error" && messages["error"]?["type"] == "rate_limit_error")
    }

    @Test("what has no translation is a 400 naming the model", arguments: [
        (Core.Operation.responses, "anthropic"), (.embeddings, "anthropic"), (.messagesCountTokens, "openai"),
        (.responses, "bedrock"), (.embeddings, "gemini"), (.messagesCountTokens, "bedrock"), (.messagesCountTokens, "gemini"),
    ])
    func refused(_ sample: (Core.Operation, String)) {
        let provider = ["anthropic": Self.anthropic, "bedrock": Self.bedrock, "gemini": Self.gemini][sample.1] ?? Self.openai
        guard case .failure(.invalidRequest(_, let param)) = Self.pick(sample.0, provider) else {
            Issue.record("not refused")
            return
        }
        #expect(param == "model")
    }

    @Test func theProvidersOwnDeclarationAndUsageReportAreTheOtherFormats() throws {
        #expect(UpstreamTranslation.chatToAnthropic.upstreamDialect?.operation == .messages)
        #expect(UpstreamTranslation.anthropicToChat.upstreamDialect?.operation == .chatCompletions)
        #expect(UpstreamTranslation.none.upstreamDialect == nil)
        let start = try JSONParser.parse(Array(#"{"type":"message_start","message":{"usage":{"input_tokens":5,"cache_creation_input_tokens":7,"output_tokens":1}}}"#.utf8))
        let usage = UpstreamTranslation.chatToAnthropic.upstreamDialect?.usage(in: start, after: nil)
        #expect(usage == TokenUsage(inputTokens: 5, outputTokens: 1, cacheWriteTokens: 7))
    }
}
