import Core
import Identity
import MCP

/// The server's credential for this call when it takes a token of its own for the user (`token_exchange:`):
/// the caller's user token exchanged at the identity provider, sent as `Authorization: Bearer` with every message
/// of the exchange (`upstreamHeaders`). Had once per exchange, before anything goes to the server; the exchanger
/// caches it per user, actor chain and server. The caller's own token never goes there.
extension MCPExchange {
    /// Gets the exchanged token when the server needs one and it is not had yet; the refusal otherwise (403
    /// without a user token to exchange, a `control_unavailable` JSON-RPC error when no exchange can be made).
    mutating func authorizeUpstream(id: JSONValue?) async -> PipelineAnswer? {
        guard let error = await exchangeToken() else { return nil }
        switch error {
        case .userTokenRequired:
            let failure = JSONRPCFailure(
                .forbidden, "This MCP server accepts only a token exchanged for the calling user: authenticate with a user's bearer token; a client certificate alone cannot be exchanged.",
                reason: "user_token_required")
            return await fail(failure, status: 403, outcome: .refusedAuth, id: id)
        default:
            let failure = JSONRPCFailure(
                .controlUnavailable, "No token for the MCP server can be had from the identity provider; nothing was forwarded.",
                reason: "control_unavailable")
            if let id { return await fail(failure, id: id, outcome: .controlUnavailable) }
            return await fail(failure, status: 503, outcome: .controlUnavailable)
        }
    }

    /// Nil when the server needs no exchanged token or it is had now.
    mutating func exchangeToken() async -> GatewayError? {
        guard let server, let target = server.configuration.tokenExchange, upstreamAuthorization.isEmpty else { return nil }
        guard let principal else { return .userTokenRequired(upstream: serverName) }
        do {
            let token = try await gateway.tokens.token(
                for: principal, subject: SubjectToken.select(from: incoming.credentials), target: target, upstream: serverName)
            upstreamAuthorization = [("authorization", "Bearer " + token)]
            return nil
        } catch {
            trail.refusalReason = error.isUserTokenRequired ? "user_token_required" : "token_exchange_failed"
            return error
        }
    }
}

extension GatewayError {
    fileprivate var isUserTokenRequired: Bool {
        if case .userTokenRequired = self { return true }
        return false
    }
}
