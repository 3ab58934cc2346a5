import HTTPTypes
import Hummingbird

/// Which provider's wire format a route speaks; decides the error body shape.
enum WireStyle: Sendable {
    /// `{"error":{"message","type","param","code"}}`
    case openAI
    /// `{"type":"error","error":{"type","message"}}`
    case anthropic
    /// `{"message"}` with the error type in the `x-amzn-errortype` header (Bedrock, STS's JSON peers)
    case bedrock
    /// `{"error":{"code","message","status"}}` (Gemini API, Vertex AI; see `GoogleErrorBody`)
    case google
}

/// Error responses in the provider's own shape, as the official SDKs parse them.
enum ErrorBody {
    static func response(
        status: Int, message: String, style: WireStyle, requestID: String, retryAfter: String? = nil
    ) -> Response {
        var body = ByteBuffer()
        switch style {
        case .google:
            return GoogleErrorBody.response(status: status, message: message, requestID: requestID, retryAfter: retryAfter)
        case .openAI:
            let (type, code) = openAIKind(status)
            body.writeStaticString("{\"error\":{\"message\":")
            body.writeJSONString(message)
            body.writeStaticString(",\"type\":")
            body.writeJSONString(type)
            body.writeStaticString(",\"param\":null,\"code\":")
            body.writeJSONOptionalString(code)
            body.writeStaticString("}}")
        case .anthropic:
            body.writeStaticString("{\"type\":\"error\",\"error\":{\"type\":")
            body.writeJSONString(anthropicKind(status))
            body.writeStaticString(",\"message\":")
            body.writeJSONString(message)
            body.writeStaticString("},\"request_id\":")
            body.writeJSONString(requestID)
            body.writeStaticString("}")
        case .bedrock:
            return BedrockErrors.response(status: status, type: BedrockErrors.type(status), message: message, requestID: requestID, retryAfter: retryAfter)
        }
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = "application/json"
        headers[.requestID] = requestID
        if let retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }

    static func openAIKind(_ status: Int) -> (type: String, code: String?) {
        switch status {
        case 400: ("invalid_request_error", nil)
        case 401: ("invalid_request_error", "invalid_api_key")
        case 403: ("permission_error", nil)
        case 404: ("invalid_request_error", "model_not_found")
        case 413: ("invalid_request_error", "request_too_large")
        case 429: ("requests", "rate_limit_exceeded")
        case 503: ("server_error", "service_unavailable")
        case 500...599: ("server_error", nil)
        default: ("invalid_request_error", nil)
        }
    }

    static func anthropicKind(_ status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        case 500...599: "api_error"
        default: "invalid_request_error"
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-request-id")!
    static let apiKey = HTTPField.Name("api-key")!
    static let xAPIKey = HTTPField.Name("x-api-key")!
}
