import Core

extension ChatToGemini {
    /// `streamGenerateContent?alt=sse` pieces (each `data:` a whole `GenerateContentResponse` holding the
    /// next parts; no event names) as `chat.completion.chunk`s.
    ///
    /// The first piece opens with a role chunk; text parts become content deltas, each `functionCall` a
    /// whole tool call (id, name and all arguments in one chunk); a `finishReason` a finish-reason chunk.
    /// Usage is the last `usageMetadata` seen (each piece carries running totals). Gemini sends no end
    /// event, so the end — the usage chunk (when `includeUsage`) and `[DONE]` — is sent by `finish()`, and
    /// only when a `finishReason` came: a stream cut before it never gets an end. An `error` piece becomes
    /// an OpenAI error chunk without `[DONE]`. Dropped and named as for whole answers (`GeminiResponse`).
    public struct StreamTranslator: Sendable {
        public private(set) var dropped: [String] = []
        public private(set) var failure: UntranslatableAnswer?
        /// The usage the last piece reported, for budgets.
        public private(set) var usage: TokenUsage?

        private let includeUsage: Bool
        private let model: JSONValue
        private var chunks = ChatAnswerParts.Chunks(id: .null, model: .null)
        private var started = false
        private var finished = false
        private var ended = false
        private var toolCalls = 0

        /// `includeUsage`: the caller's `stream_options.include_usage` (the gateway may always ask, and drop
        /// the chunk itself); `model`: the model name the chunks carry (else Gemini's `modelVersion`).
        public init(includeUsage: Bool = true, model: JSONValue = .null) {
            self.includeUsage = includeUsage
            self.model = model
        }

        public mutating func translate(name: String?, data: [UInt8]) -> [WireEvent] {
            guard failure == nil, !ended else { return [] }
            guard let piece = try? JSONParser.parse(data), case .object = piece else { return fail("a piece is not a JSON object") }
            return translate(name: name, event: piece)
        }

        /// One piece already parsed by the caller.
        public mutating func translate(name: String?, event piece: JSONValue) -> [WireEvent] {
            guard failure == nil, !ended else { return [] }
            // Google sends unnamed events only: a named one is not a piece of the answer, so nothing of it goes on.
            if let name, name != "message" {
                ChatToAnthropic.note("event.\(name)", &dropped)
                return []
            }
            let response: GeminiResponse
            do { response = try GeminiResponse.read(piece, dropped: &dropped) } catch { return fail(error.reason) }
            if let error = response.error {
                ended = true
                return [.json(ChatToGemini.streamError(error, status: error["code"]?.intValue ?? 500))]
            }
            guard !finished || (response.texts.isEmpty && response.calls.isEmpty) else { return fail("content after the finishReason") }
            var events: [WireEvent] = []
            if !started {
                started = true
                chunks = ChatAnswerParts.Chunks(id: .string(response.responseID ?? ChatAnswerParts.generatedID()),
                                                model: model != .null ? model : response.modelVersion.map { .string($0) } ?? .null)
                events.append(chunks.delta(["role": "assistant", "content": ""]))
            }
            usage = response.usage ?? usage
            for text in response.texts where !text.isEmpty { events.append(chunks.delta(["content": .string(text)])) }
            for (n, call) in ChatToGemini.toolCalls(response.calls, first: toolCalls).enumerated() {
                let function = call["function"] ?? .null
                events.append(chunks.toolCallStart(index: toolCalls + n, id: call["id"]?.stringValue ?? "",
                                                   name: function["name"]?.stringValue ?? "",
                                                   arguments: function["arguments"]?.stringValue ?? "{}"))
            }
            toolCalls += response.calls.count
            if !response.hasCandidate, response.blockReason != nil, !finished {
                ChatToAnthropic.note("promptFeedback.blockReason", &dropped)
                finished = true
                events.append(chunks.delta([:], finishReason: "content_filter"))
            } else if let reason = response.finishReason, !finished {
                finished = true
                events.append(chunks.delta([:], finishReason: GeminiResponse.finishReason(reason, hasCalls: toolCalls > 0, &dropped)))
            }
            return events
        }

        /// The end, once a `finishReason` came; nothing for a stream cut before it.
        public mutating func finish() -> [WireEvent] {
            guard failure == nil, finished, !ended else { return [] }
            ended = true
            guard includeUsage else { return [.done] }
            return [chunks.usage(usage ?? TokenUsage()), .done]
        }

        private mutating func fail(_ reason: String) -> [WireEvent] {
            failure = UntranslatableAnswer(reason: reason)
            return []
        }
    }
}
