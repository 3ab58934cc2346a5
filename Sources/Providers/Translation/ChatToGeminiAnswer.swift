import Core

/// A `GenerateContentResponse` as a `chat.completion` (see `GeminiResponse` for what is read and dropped).
///
/// Text parts are joined into `content` (null when none), `functionCall` parts become function `tool_calls`
/// with the call's own id or `call_<n>` (n counted per answer). A prompt blocked before any candidate
/// (`promptFeedback.blockReason`) is an answer with empty content and `content_filter`, not an error.
/// `responseId` is the id (else one is generated); the model is the caller's, else `modelVersion`.
extension ChatToGemini {
    public static func answer(_ gemini: JSONValue, model: JSONValue = .null) throws(UntranslatableAnswer) -> TranslatedAnswer {
        var dropped: [String] = []
        let response = try GeminiResponse.read(gemini, dropped: &dropped)
        if response.error != nil { throw UntranslatableAnswer(reason: "the answer is an error") }
        let finishReason: JSONValue
        var text: String? = response.texts.isEmpty ? nil : response.texts.joined()
        if response.hasCandidate {
            finishReason = GeminiResponse.finishReason(response.finishReason, hasCalls: !response.calls.isEmpty, &dropped)
        } else if response.blockReason != nil {
            ChatToAnthropic.note("promptFeedback.blockReason", &dropped)
            finishReason = "content_filter"
            text = ""
        } else {
            throw UntranslatableAnswer(reason: "the answer has no candidate")
        }
        let completion = ChatAnswerParts.completion(
            id: .string(response.responseID ?? ChatAnswerParts.generatedID()),
            model: model != .null ? model : response.modelVersion.map { .string($0) } ?? .null,
            text: text, toolCalls: toolCalls(response.calls, first: 0), finishReason: finishReason,
            usage: response.usage ?? TokenUsage())
        return TranslatedAnswer(json: completion, dropped: dropped)
    }

    /// Gemini calls as chat tool calls; those without an id of their own get `call_<first + n>`.
    static func toolCalls(_ calls: [GeminiResponse.FunctionCall], first: Int) -> [JSONValue] {
        calls.enumerated().map { n, call in
            ChatAnswerParts.toolCall(id: call.id ?? "call_\(first + n)", name: call.name, input: call.args)
        }
    }

    /// The token usage of an answer (or of a stream piece: each carries the running totals), for budgets;
    /// nil when it reports none. The prompt count includes the cached input; thoughts are output.
    public static func usage(_ gemini: JSONValue) -> TokenUsage? {
        guard case .object(let counts)? = gemini["usageMetadata"] else { return nil }
        let prompt = counts["promptTokenCount"]?.intValue ?? 0
        let cached = counts["cachedContentTokenCount"]?.intValue ?? 0
        let toolPrompt = counts["toolUsePromptTokenCount"]?.intValue ?? 0
        let output = (counts["candidatesTokenCount"]?.intValue ?? 0) + (counts["thoughtsTokenCount"]?.intValue ?? 0)
        return TokenUsage(inputTokens: max(0, prompt - cached) + toolPrompt, outputTokens: output, cacheReadTokens: cached)
    }

    /// A Google error body (`{"error":{"code","message","status","details"}}`) as an OpenAI error body: the
    /// type follows the HTTP status, the code is `status` lower-cased; `details` stay behind.
    public static func errorBody(_ body: [UInt8], status: Int) -> [UInt8] {
        streamError((try? JSONParser.parse(body))?["error"], status: status).serialized()
    }

    static func streamError(_ error: JSONValue?, status: Int) -> JSONValue {
        let message = error?["message"]?.stringValue ?? "the upstream provider returned status \(status)"
        let code = error?["status"]?.stringValue.flatMap { name in
            name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || $0 == "_" } && name.count <= 64 ? name.lowercased() : nil
        }
        return ChatAnswerParts.error(message: message, status: status, code: code)
    }
}
