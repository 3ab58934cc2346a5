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
    }

    @Test("what has no translation is a 400 naming the model", arguments: [
        (Core.Operation.responses, "anthropic"), (.embeddings, "anthropic"), (.messagesCountTokens, "openai"),
    ])
    func refused(_ sample: (Core.Operation, String)) {
        let provider = sample.1 == "anthropic" ? Self.anthropic : Self.openai
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
