import Core
import Guardrails

/// What `audit.content: redacted` keeps of a request and its answer: every finding span replaced by
/// `[REDACTED:<category>]` — whatever the guardrail action on it was (flag, pseudonymise, redact) — and
/// pseudonyms never restored, so no detected value and no restored original reaches the store.
///
/// - Request: the body as forwarded, with each message that had findings replaced by its text as
///   received with all its finding spans redacted (the finding offsets refer to the received text).
/// - Answer: the provider's answer as it arrived (pseudonyms still in place), with every span a full
///   response-direction scan finds redacted — every detector, not only those whose action is not `allow`.
///   Streams keep their SSE form; each choice's or item's text is redacted as a whole.
///
/// Text the guardrails do not read (outside messages and answer text slots) is kept as it is.
struct RedactedContent: Sendable {
    let engine: GuardrailEngine

    /// Nil when a message with findings cannot be located in the forwarded body: nothing is stored then.
    func request(_ t: RequestTrail) -> [UInt8]? {
        guard let received = t.receivedRequest, let forwarded = t.forwardedRequest else { return nil }
        var body = forwarded.body
        for (index, message) in received.messages.enumerated() {
            // Request findings without a message (an external judge's verdict) have no span to redact.
            let spans = t.requestFindings.filter { $0.direction == .request && $0.messageIndex == index }
            guard !spans.isEmpty else { continue }
            guard let path = Self.path(message.location), case .string(_)? = body.value(at: path) else { return nil }
            body.set(.string(Self.redact(message.text, spans)), at: path)
        }
        return body.encodedBytes()
    }

    /// Nil when there is no provider answer (refusals, errors, blocked answers) or it is not JSON.
    func response(_ t: RequestTrail) -> [UInt8]? {
        guard let answer = t.providerAnswer, let operation = t.operation else { return nil }
        switch answer {
        case .json(let bytes):
            guard var json = try? JSONParser.parse(bytes) else { return nil }
            for slot in AnswerText.slots(inAnswer: json, operation: operation) {
                json.set(.string(redactAnswerText(slot.text)), at: slot.path)
            }
            return json.encodedBytes()
        case .events(let events):
            let engine = self.engine
            var inspection = StreamInspection(operation: operation, dropUsageChunk: false) { WholeTextRedaction(engine: engine) }
            var out: [UInt8] = []
            for event in events {
                for e in inspection.process(event) { out += e.data + [10] }
            }
            for e in inspection.finish() { out += e.data + [10] }
            return out
        }
    }

    func redactAnswerText(_ text: String) -> String {
        Self.redact(text, engine.scan(text, direction: .response))
    }

    /// Replaces the union of the spans (Unicode scalar offsets) — overlapping spans are merged, so no
    /// part of a longer overlapping match survives — with `[REDACTED:<categories>]`.
    static func redact(_ text: String, _ findings: [Finding]) -> String {
        let scalars = Array(text.unicodeScalars)
        var merged: [(start: Int, end: Int, categories: Set<String>)] = []
        for f in findings.sorted(by: { $0.start < $1.start }) {
            let start = max(0, min(f.start, scalars.count)), end = max(0, min(f.end, scalars.count))
            guard start < end else { continue }
            if let last = merged.last, start < last.end {
                merged[merged.count - 1].end = max(last.end, end)
                merged[merged.count - 1].categories.insert(f.category)
            } else {
                merged.append((start, end, [f.category]))
            }
        }
        var out = String.UnicodeScalarView()
        var cursor = 0
        for span in merged {
            out.append(contentsOf: scalars[cursor..<span.start])
            out.append(contentsOf: "[REDACTED:\(span.categories.sorted().joined(separator: ","))]".unicodeScalars)
            cursor = span.end
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }

    /// `AIMessage.location` (`messages[2].content`, `input[3]`, `messages[0].tool_calls[1].function.arguments`)
    /// as path components.
    static func path(_ location: String) -> [JSONPathComponent]? {
        var out: [JSONPathComponent] = []
        for part in location.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" && $0 != "]" }
            guard !name.isEmpty || !out.isEmpty else { return nil }  // a path starts with a key
            if !name.isEmpty { out.append(.key(String(name))) }
            rest = rest.dropFirst(name.count)
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]), i >= 0
                else { return nil }
                out.append(.index(i))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty else { return nil }
        }
        return out.isEmpty ? nil : out
    }
}

/// A response filter for the stored copy only: holds a slot's whole text and, at its end, returns it with
/// every span a response scan finds redacted (no pseudonym is restored).
struct WholeTextRedaction: ResponseTextFilter {
    let engine: GuardrailEngine
    var text = ""

    mutating func feed(_ piece: String) -> FilterOutput {
        text += piece
        return FilterOutput(text: "")
    }

    mutating func finish() -> FilterOutput {
        FilterOutput(text: RedactedContent.redact(text, engine.scan(text, direction: .response)))
    }
}
