import Core
import Guardrails
import Identity

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
    /// The caller's user token (`SubjectToken.select` over the call's credentials), for a provider with
    /// `token_exchange` only: `ProviderForwarder` exchanges it for a token of that upstream. It rides here — set by
    /// the pipeline next to `translation`, beside the request rather than in it — so that it reaches the forwarder
    /// and nothing else: it is not part of `request` (which is inspected, decided on, encoded and recorded), the
    /// audit trail keeps `AIRequest`s and never a `PreparedRequest`, and a `SubjectToken` prints redacted.
    public var subjectToken: SubjectToken?

    public init(request: AIRequest, obligations: Obligations, vault: PseudonymVault = PseudonymVault(), mirrorsServed: Bool = false) {
        self.request = request
        self.obligations = obligations
        self.vault = vault
        self.mirrorsServed = mirrorsServed
    }
}
