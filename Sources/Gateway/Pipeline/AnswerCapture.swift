/// What the recorder keeps of an answer as delivered, so that a stream relay holds no more than that:
/// nothing, a digest computed as the events go out (`RequestTrail.responseDigest`), or the bytes
/// (`RequestTrail.responseBody`).
public enum AnswerCapture: Sendable {
    case none, digest, bytes
}
