/// What the recorder keeps of an answer, so that the relay collects no more than that: nothing, a digest
/// of the answer as delivered computed as it goes out (`RequestTrail.answerDigest`), the answer as
/// delivered (`RequestTrail.answerBody`), or the provider's answer as received, before guardrails
/// rewrote it or restored pseudonyms (`RequestTrail.providerAnswer`, for redacted copies).
public enum AnswerCapture: Sendable {
    case none, digest, delivered, providerAnswer
}
