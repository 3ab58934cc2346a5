import HTTPTypes
import Hummingbird

import Foundation

/// `POST /model/{modelId}/converse` and `POST /model/{modelId}/converse-stream` (Bedrock Runtime).
///
/// Every request must carry a valid SigV4 signature for service `bedrock` (`BedrockAccess`): by the
/// configured test keys, or by temporary credentials from `POST /sts` with their
/// `x-amz-security-token`; `x-amz-date` within 5 minutes. Otherwise 403 with Bedrock's error shape.
/// The model id is the percent-decoded path segment (`anthropic.claude-3%3A0` → `anthropic.claude-3:0`)
/// and takes the usual knobs (`mock-error-NNN`, `mock-slow`, `mock-cut`, `+chunk=N`...; errors come
/// as Bedrock's: status, `x-amzn-errortype`, `{"message"}`); `mock-stream-throttle` (and
/// `-unavailable`, `-internal`, `-validation`, `-model-error`) sends an in-stream exception message.
/// The reply follows `ScriptedReply`, from the same conversation the Anthropic route would see.
extension MockLLM {
    func bedrockConverse(_ request: Request, modelID: String, stream: Bool) async throws -> Response {
        try await serve(request, style: .bedrock) { exchange in
            do throws(BedrockAccess.Refusal) {
                _ = try bedrockAccess.verify(request, body: exchange.body, service: "bedrock")
                log.note(exchange.recordID, sigv4: "verified")
            } catch {
                log.note(exchange.recordID, sigv4: "refused: \(error.note)")
                log.finish(exchange.recordID, .unauthorized)
                return BedrockErrors.response(
                    status: 403, type: error.type, message: error.message, requestID: exchange.requestID)
            }
            let model = modelID.removingPercentEncoding ?? modelID
            let body = try decode(BedrockConverseRequest.self, exchange)
            let behaviour = MockBehaviour(configuration: configuration, model: model, headers: request.headers)
            try await prelude(behaviour, exchange)
            let conversation = body.conversation
            let reply = ScriptedReply(conversation: conversation, chunkSize: behaviour.chunkSize)
            let shape = BedrockConverseShape(
                toolID: "tooluse_mock_\(nextSerial())", reply: reply, inputTokens: conversation.promptTokens,
                chunkSize: behaviour.chunkSize, latencyMs: max(1, behaviour.latencyMs))
            if stream {
                return try await bedrockStreamResponse(
                    shape.frames(), behaviour: behaviour, exception: BedrockErrors.streamException(model: model), exchange)
            }
            var out = ByteBuffer()
            shape.writeAnswer(into: &out)
            var response = try await jsonResponse(out, behaviour: behaviour, exchange)
            response.headers[.amznRequestID] = exchange.requestID
            return response
        }
    }
}
