/// Why a provider call failed. `Gateway` maps each case to a status and an OpenAI-style body.
public enum UpstreamError: Error, Sendable, Equatable {
    /// No response head within the provider's timeout (→ 504).
    case timeout(provider: String)
    /// No connection could be made (refused, DNS, connect timeout): nothing reached the provider (→ 502).
    case notConnected(provider: String, reason: String)
    /// Connection reset, DNS or TLS failure before a response (→ 502).
    case unreachable(provider: String, reason: String)
    /// An answer arrived but cannot be used (content-encoded, body unreadable): never retried, since
    /// the provider has processed (and billed) the call (→ 502).
    case invalidAnswer(provider: String, reason: String)
    /// The stream stopped mid-way (connection cut or idle timeout) after bytes were relayed.
    case streamInterrupted(provider: String)
    /// Every upstream that could serve was taken out of rotation by its circuit breaker; the earliest is tried
    /// again after `retryAfterSeconds` (→ 503).
    case circuitOpen(provider: String, retryAfterSeconds: Int)
    /// The gateway could not build the call (missing credential at run time).
    case misconfigured(provider: String, reason: String)
}
