import Hummingbird

/// One Gemini / Vertex AI answer (`GenerateContentResponse`): a candidate whose `content` (role `model`)
/// holds text parts and/or one `functionCall` part, its `finishReason` (`STOP`, `MAX_TOKENS`, `SAFETY`) and
/// safety ratings, `usageMetadata`, `modelVersion` and `responseId`; or, for a blocked prompt, no candidate
/// and `promptFeedback.blockReason: SAFETY`. Streamed, each text piece and the call is a chunk of its own;
/// the last chunk carries the finish reason and the usage; there is no `[DONE]`.
struct GoogleAnswerShape {
    enum Outcome: Equatable {
        /// The scripted reply.
        case reply
        /// The candidate was stopped by the safety filter: no content, `finishReason: SAFETY`.
        case safetyBlock
        /// The prompt was refused: no candidates, `promptFeedback.blockReason: SAFETY`.
        case promptBlock
    }

    enum Part {
        case text(Substring)
        case functionCall(name: String, args: String)
    }

    let responseID: String
    let modelVersion: String
    let outcome: Outcome
    /// Stream order: text pieces, then the call. The whole answer joins adjacent text.
    let parts: [Part]
    let finishReason: String
    let promptTokens: Int
    let candidateTokens: Int

    init(responseID: String, model: String, outcome: Outcome, reply: ScriptedReply, promptTokens: Int) {
        self.responseID = responseID
        self.modelVersion = model
        self.outcome = outcome
        self.promptTokens = promptTokens
        guard outcome == .reply else {
            parts = []
            finishReason = "SAFETY"
            candidateTokens = 0
            return
        }
        var parts: [Part] = []
        switch reply.content {
        case .text:
            parts = reply.pieces.map(Part.text)
        case .toolCall(let name, let arguments):
            parts = reply.leadPieces.map(Part.text)
            parts.append(.functionCall(name: name, args: AnthropicMessageShape.toolInput(arguments)))
        }
        self.parts = parts
        finishReason = reply.truncated ? "MAX_TOKENS" : "STOP"
        candidateTokens = reply.completionTokens
    }

    /// Which outcome a request asks for: model `mock-safety-block` or a prompt starting `#safety-block`;
    /// model `mock-prompt-block` or a prompt starting `#prompt-block`.
    static func outcome(model: String, prompt: String) -> Outcome {
        let base = model.split(separator: "+").first.map(String.init) ?? model
        let text = prompt.drop { $0.isWhitespace }
        if base == "mock-prompt-block" || text.hasPrefix("#prompt-block") { return .promptBlock }
        if base == "mock-safety-block" || text.hasPrefix("#safety-block") { return .safetyBlock }
        return .reply
    }

    /// The whole answer (`generateContent`).
    func write(into b: inout ByteBuffer) {
        var joined: [Part] = []
        for part in parts {
            if case .text(let piece) = part, case .text(let previous)? = joined.last {
                joined[joined.count - 1] = .text(Substring(String(previous) + piece))
            } else {
                joined.append(part)
            }
        }
        writeChunk(joined, final: true, into: &b)
    }

    /// The answer as server-sent events (`streamGenerateContent?alt=sse`), framed with CRLF as Google does.
    func events() -> EventStream {
        var stream = EventStream(capacity: parts.count + 1)
        if parts.isEmpty {
            stream.data(isDelta: outcome == .reply, crlf: true) { writeChunk(outcome == .reply ? [.text("")] : [], final: true, into: &$0) }
            return stream
        }
        for (i, part) in parts.enumerated() {
            stream.data(isDelta: true, crlf: true) { writeChunk([part], final: i == parts.count - 1, into: &$0) }
        }
        return stream
    }

    private func writeChunk(_ parts: [Part], final: Bool, into b: inout ByteBuffer) {
        if outcome == .promptBlock {
            b.writeStaticString("{\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"safetyRatings\":")
            Self.writeRatings(blocked: true, into: &b)
            b.writeStaticString("},")
        } else {
            b.writeStaticString("{\"candidates\":[{")
            if outcome == .reply {
                b.writeStaticString("\"content\":{\"parts\":[")
                for (i, part) in parts.enumerated() {
                    if i > 0 { b.writeStaticString(",") }
                    switch part {
                    case .text(let text):
                        b.writeStaticString("{\"text\":")
                        b.writeJSONString(text)
                        b.writeStaticString("}")
                    case .functionCall(let name, let args):
                        b.writeStaticString("{\"functionCall\":{\"name\":")
                        b.writeJSONString(name)
                        b.writeStaticString(",\"args\":")
                        b.writeString(args)
                        b.writeStaticString("}}")
                    }
                }
                b.writeStaticString("],\"role\":\"model\"},")
            }
            if final {
                b.writeStaticString("\"finishReason\":")
                b.writeJSONString(finishReason)
                b.writeStaticString(",\"safetyRatings\":")
                Self.writeRatings(blocked: outcome == .safetyBlock, into: &b)
                b.writeStaticString(",")
            }
            b.writeStaticString("\"index\":0}],")
        }
        if final {
            b.writeStaticString("\"usageMetadata\":{\"promptTokenCount\":")
            b.writeJSONInt(promptTokens)
            if outcome != .promptBlock {
                b.writeStaticString(",\"candidatesTokenCount\":")
                b.writeJSONInt(candidateTokens)
            }
            b.writeStaticString(",\"totalTokenCount\":")
            b.writeJSONInt(promptTokens + candidateTokens)
            b.writeStaticString("},")
        }
        b.writeStaticString("\"modelVersion\":")
        b.writeJSONString(modelVersion)
        b.writeStaticString(",\"responseId\":")
        b.writeJSONString(responseID)
        b.writeStaticString("}")
    }

    private static let categories: [StaticString] = [
        "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    ]

    /// The four rated categories: all `NEGLIGIBLE`, or, when blocked, the dangerous-content one `HIGH` and blocked.
    private static func writeRatings(blocked: Bool, into b: inout ByteBuffer) {
        b.writeStaticString("[")
        for (i, category) in categories.enumerated() {
            if i > 0 { b.writeStaticString(",") }
            b.writeStaticString("{\"category\":\"")
            b.writeStaticString(category)
            if blocked && i == 1 {
                b.writeStaticString("\",\"probability\":\"HIGH\",\"blocked\":true}")
            } else {
                b.writeStaticString("\",\"probability\":\"NEGLIGIBLE\"}")
            }
        }
        b.writeStaticString("]")
    }
}
