import Core
import Guardrails

/// The request as it will be forwarded (after obligations), plus what the answer side needs to undo or
/// continue them.
public struct PreparedRequest: Sendable {
    public var request: AIRequest
    public var obligations: Obligations
    /// The pseudonyms of this request (kept only in memory, for this request): restored in the answer, and
    /// numbering continues there.
    public var vault: PseudonymVault
    /// Whether token logprobs — a mirror of the answer text — may reach the caller: only when the guardrail
    /// profile never rewrites answers (otherwise the tokens would spell what was redacted).
    public var mirrorsServed: Bool
    /// The encoded body for the provider, set by the pipeline before the begin record (see `Forwarding`).
    public var upstreamBody: [UInt8]?
    /// How the call crosses to the provider's wire format and back.
    public var translation: UpstreamTranslation = .none

    public init(request: AIRequest, obligations: Obligations, vault: PseudonymVault = PseudonymVault(), mirrorsServed: Bool = false) {
        self.request = request
        self.obligations = obligations
        self.vault = vault
        self.mirrorsServed = mirrorsServed
    }
}
