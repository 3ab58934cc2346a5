import Core
import Logging
import NIOCore
import Providers

/// Step 7: the prepared request goes to the model's provider with the gateway's credential. Whatever
/// the caller put in `user`/`safety_identifier` is dropped; at most a pseudonymous id goes upstream.
struct ProviderForwarder: Forwarding {
    let registry: ProviderRegistry
    /// Pseudonymous upstream user id for a principal (e.g. HMAC of its id), or nil to send none.
    let upstreamUserID: @Sendable (Principal) -> String?
    let logger: Logger

    func upstreamBody(_ prepared: PreparedRequest, model: ModelDescriptor, principal: Principal) -> [UInt8] {
        let request = prepared.request
        var body = request.body
        body["model"] = .string(model.upstreamModel)
        body["user"] = nil
        body["safety_identifier"] = nil
        if let id = upstreamUserID(principal) { body["user"] = .string(id) }
        if request.operation == .chatCompletions, request.stream {
            // Ask for usage so budgets settle on real numbers; dropped again if the caller did not ask.
            var options = body["stream_options"]?.objectValue ?? [:]
            options["include_usage"] = true
            body["stream_options"] = .object(options)
        }
        return body.encodedBytes()
    }

    func forward(_ prepared: PreparedRequest, model: ModelDescriptor, context: RequestContext, principal: Principal) async throws(GatewayError) -> UpstreamResponse {
        guard let client = registry.clients[model.provider] else { throw .unknownModel(model.name) }
        let body = prepared.upstreamBody ?? upstreamBody(prepared, model: model, principal: principal)
        do {
            return try await client.send(
                operation: prepared.request.operation, upstreamModel: model.upstreamModel, body: ByteBuffer(bytes: body),
                stream: prepared.request.stream, extraHeaders: [("x-request-id", context.requestID)], logger: logger)
        } catch {
            throw .upstream(error)
        }
    }
}
