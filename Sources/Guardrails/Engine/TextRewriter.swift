/// Replaces spans (Unicode scalar offsets) of a text.
enum TextRewriter {
    /// Replaces each span with `replacement(value, category, action)`; overlapping spans after the first
    /// are skipped. Spans are processed in text order so placeholder numbers follow reading order.
    static func replace(
        in text: String, spans: [(start: Int, end: Int, category: String, action: GuardrailAction)],
        replacement: (String, String, GuardrailAction) -> String
    ) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        for span in spans.sorted(by: { ($0.start, -$0.end) < ($1.start, -$1.end) }) {
            guard span.start >= cursor, span.end <= scalars.count, span.start < span.end else { continue }
            out.append(contentsOf: scalars[cursor..<span.start])
            var value = String.UnicodeScalarView()
            value.append(contentsOf: scalars[span.start..<span.end])
            out.append(contentsOf: replacement(String(value), span.category, span.action).unicodeScalars)
            cursor = span.end
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }
}
