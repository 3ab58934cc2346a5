import Core
import Identity

/// Credentials for upstreams that take a token of their own for the calling user (`token_exchange:` of a model
/// provider or an MCP server): the caller's user token exchanged at the identity provider (`TokenExchanger`,
/// RFC 8693). Fails closed: no user token to exchange (a client certificate alone) is a 403, an exchange that
/// cannot be made is a 503 — either way the upstream is not called.
struct UpstreamTokens: Sendable {
    /// Nil when `identity.token_exchange` is not configured (start-up then refuses every `token_exchange:` target).
    let exchanger: TokenExchanger?

    /// The exchanged token for `target`, to send as `Authorization: Bearer` to `upstream` (named in errors).
    func token(for principal: Principal, subject: SubjectToken?, target: TokenExchangeTarget, upstream: String) async throws(GatewayError) -> String {
        guard let exchanger else { throw .controlUnavailable(control: "token exchange") }
        do {
            return try await exchanger.token(for: principal, subject: subject, target: target).value
        } catch {
            switch error.reason {
            case .noSubjectToken: throw .userTokenRequired(upstream: upstream)
            case .unreachable, .timeout, .refused, .invalidAnswer: throw .controlUnavailable(control: "token exchange")
            }
        }
    }
}
