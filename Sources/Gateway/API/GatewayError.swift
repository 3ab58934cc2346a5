import Core
import Providers

/// Every way the gateway refuses or fails a call. Mapped to status, OpenAI-style body and headers in
/// exactly one place (`ErrorResponse`). Messages never contain tokens, keys or detected values.
public enum GatewayError: Error, Sendable {
    /// Unparseable JSON or a field of the wrong shape (400). `param` names the field.
    case invalidRequest(message: String, param: String?)
    /// Body larger than `server.max_body_bytes` (413).
    case bodyTooLarge(limit: Int)
    case unknownModel(String)
    case unknownRoute(method: String, path: String)
    /// A credential was presented and failed verification (401, `WWW-Authenticate` with `invalid_token`).
    case unauthenticated(description: String)
    /// No credential at all (401, bare `WWW-Authenticate: Bearer` challenge, RFC 6750 §3.1).
    case credentialsMissing
    /// A DPoP proof was refused (401, `WWW-Authenticate: DPoP error="invalid_dpop_proof"` or `"use_dpop_nonce"`,
    /// RFC 9449 §7.1), with the nonce for the next proof in `DPoP-Nonce`.
    case proofRefused(description: String, error: String, nonce: String?)
    /// Policy said no (403). `policies` empty for default deny; nil when ids are hidden by config.
    case forbidden(policies: [String]?)
    /// A tool the provider runs (outside the gateway's sight) that no determining policy permits by name (403).
    case toolNotPermitted(String)
    /// Rate limit or budget (429). `type` is OpenAI's: `requests` or `tokens` for a rate limit,
    /// `insufficient_quota` for an exhausted budget.
    case limited(type: String = "requests", code: String, message: String, retryAfterSeconds: Int, headers: [(String, String)])
    /// A request-side guardrail blocked (400). Names the category, never the value.
    case guardrailBlocked(category: String)
    /// The provider's answer was withheld by a response-side guardrail (422: not the caller's request at
    /// fault, and a 4xx so SDKs do not retry and pay for the same blocked answer again).
    case responseBlocked(category: String)
    /// A control could not run, so the gateway fails closed (503), e.g. the audit store.
    case controlUnavailable(control: String)
    /// The upstream takes only a token exchanged for the calling user (`token_exchange`), and the call carries no
    /// user token — a client certificate alone (403).
    case userTokenRequired(upstream: String)
    case upstream(UpstreamError)
    /// The provider answered with an error; its status and body are relayed.
    case upstreamStatus(status: Int, body: [UInt8], contentType: String?)
    case internalError
}
