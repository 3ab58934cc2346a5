import Core
import Foundation
import Guardrails

/// What `audit.content: redacted` keeps of a request and its answer: every span a full scan finds replaced
/// by `[REDACTED:<category>]` — whatever the guardrail action on it was (flag, pseudonymise, redact) — and
/// pseudonyms never restored, so no detected value and no restored original reaches the store.
///
/// - Request: the body as forwarded, each text the model reads (as its dialect declares it) with every
///   placeholder the guardrails put in shown as the category it stands for, and every span a request-direction
///   scan still finds (flagged values) redacted.
/// - Answer: the provider's answer as it arrived (pseudonyms still in place), read against its dialect's
///   declaration, with every span a full answer-direction scan finds redacted in every text — every detector,
///   not only those whose action is not `allow`. Streams keep their SSE form; each slot's text is redacted
///   as a whole.
struct RedactedContent: Sendable {
    let engine: GuardrailEngine

    /// Nil when the request was never forwarded (refused before step 6).
    func request(_ t: RequestTrail) -> [UInt8]? {
        guard let forwarded = t.forwardedRequest else { return nil }
        var body = forwarded.body
        let placeholders = t.vault?.categories ?? [:]
        for message in forwarded.messages {
            var text = message.text
            for (placeholder, category) in placeholders where text.contains(placeholder) {
                text = text.replacingOccurrences(of: placeholder, with: "[REDACTED:\(category)]")
            }
            let spans = engine.scan(text, direction: .request, role: message.role)
            text = Self.redact(text, spans)
            guard text != message.text else { continue }
            guard case .string? = body.value(at: message.location), body.replace(at: message.location, with: .string(text)) else { return nil }
        }
        return body.encodedBytes()
    }

    /// Nil when there is no provider answer (refusals, errors, blocked answers) or it is not JSON.
    func response(_ t: RequestTrail) -> [UInt8]? {
        guard let answer = t.providerAnswer, let operation = t.operation, let dialect = Dialects.dialect(for: operation) else { return nil }
        let engine = self.engine
        var inspection = AnswerInspection(dialect: dialect, streamed: answer.isStream, mirrorsServed: false) { WholeTextRedaction(engine: engine) }
        switch answer {
        case .json(let bytes):
            guard var json = try? JSONParser.parse(bytes) else { return nil }
            _ = inspection.inspectComplete(&json)
            return json.encodedBytes()
        case .events(let events):
            var out: [UInt8] = []
            for event in events {
                for e in inspection.process(event) { out += e.data + [10] }
            }
            for e in inspection.finish() { out += e.data + [10] }
            return out
        }
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
}

extension RequestTrail.ProviderAnswer {
    var isStream: Bool { if case .events = self { true } else { false } }
}

/// An answer filter for the stored copy only: holds a slot's whole text and, at its end, returns it with
/// every span an answer scan finds redacted (no pseudonym is restored).
struct WholeTextRedaction: AnswerTextFilter {
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
