import Core
import Logging
import NIOCore
import Providers

/// Step 7: the prepared request goes to the model's provider with the gateway's credential, in the provider's
/// wire format (`UpstreamTranslation`). Whatever the caller put in `user`/`safety_identifier` or
/// `metadata.user_id` is dropped; at most a pseudonymous id goes upstream. A provider with `token_exchange` gets,
/// instead of a configured key, a token exchanged for the calling user from `PreparedRequest.subjectToken`.
struct ProviderForwarder: Forwarding {
    let registry: ProviderRegistry
    /// Pseudonymous upstream user id for a principal (e.g. HMAC of its id), or nil to send none.
    let upstreamUserID: @Sendable (Principal) -> String?
    let logger: Logger
    /// Tokens for providers with `token_exchange`.
    var tokens = UpstreamTokens(exchanger: nil)

    func upstreamBody(_ prepared: PreparedRequest, model: ModelDescriptor, principal: Principal) throws(GatewayError) -> [UInt8] {
        let request = prepared.request
        var body = request.body
        body["model"] = .string(model.upstreamModel)
        // The end user, as the provider sees it: the gateway's pseudonymous id, in the caller's API's field
        // (carried to the provider's by the translation).
        let id = upstreamUserID(principal)
        if Dialects.dialect(for: request.operation)?.wireFormat == .anthropicMessages {
            if body["metadata"] != nil || id != nil {
                body["metadata"] = id.map { ["user_id": .string($0)] }
            }
        } else {
            body["user"] = id.map(JSONValue.string)
            body["safety_identifier"] = nil
        }
        Dialects.dialect(for: request.operation)?.prepareForProvider(&body, request: request)
        // Anthropic requires max_tokens: a chat call without one gets the admitted cap.
        return try prepared.translation.request(body, defaultMaxTokens: request.maxTokens ?? 4096).encodedBytes()
    }

    func forward(_ prepared: PreparedRequest, model: ModelDescriptor, context: RequestContext, principal: Principal, limits: AttemptLimits) async throws(GatewayError) -> UpstreamResponse {
        guard let client = registry.clients[model.provider] else { throw .unknownModel(model.name) }
        let body: [UInt8]
        if let encoded = prepared.upstreamBody { body = encoded } else { body = try upstreamBody(prepared, model: model, principal: principal) }
        let operation = prepared.translation.upstreamOperation(for: prepared.request.operation)
        // Before anything is sent: no exchanged token, no call (403 without a user token, 503 without an exchange).
        var bearer: String?
        if let target = client.configuration.tokenExchange {
            bearer = try await tokens.token(for: principal, subject: prepared.subjectToken, target: target, upstream: client.name)
        }
        do {
            return try await client.send(
                operation: operation, upstreamModel: model.upstreamModel, body: ByteBuffer(bytes: body),
                stream: prepared.request.stream, extraHeaders: [("x-request-id", context.requestID)],
                version: prepared.translation == .none ? prepared.request.providerVersion : nil,
                betas: prepared.translation == .none ? prepared.request.providerBetas : [],
                timeouts: limits.timeouts, deadline: limits.deadline, via: limits.timeouts.flatMap { registry.transports?.client(for: $0) },
                bearer: bearer, logger: logger)
        } catch {
            throw .upstream(error)
        }
    }
}
