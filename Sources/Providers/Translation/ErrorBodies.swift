import Core

/// Upstream error bodies in the caller's format. Only the error's type (mapped) and message are carried;
/// anything else the provider said (request ids, params, headers echoed back) stays behind.
public enum ErrorBodies {
    /// Anthropic error type -> OpenAI `type` and `code`.
    static func openAIType(anthropic type: String?) -> (type: String, code: String?) {
        switch type {
        case "invalid_request_error"?: ("invalid_request_error", nil)
        case "request_too_large"?: ("invalid_request_error", "request_too_large")
        case "authentication_error"?: ("authentication_error", "invalid_api_key")
        case "permission_error"?: ("permission_error", nil)
        case "not_found_error"?: ("not_found_error", nil)
        case "rate_limit_error"?: ("rate_limit_error", "rate_limit_exceeded")
        case "billing_error"?: ("insufficient_quota", "insufficient_quota")
        case "timeout_error"?: ("server_error", "timeout")
        case "overloaded_error"?: ("server_error", "overloaded")
        default: ("server_error", nil)
        }
    }

    /// OpenAI error type or code -> Anthropic error type, when the status does not already say it.
    static func anthropicType(openAI type: String?, code: String?) -> String {
        switch (type, code) {
        case ("invalid_request_error"?, "request_too_large"?): "request_too_large"
        case ("invalid_request_error"?, _): "invalid_request_error"
        case ("authentication_error"?, _), (_, "invalid_api_key"?): "authentication_error"
        case ("permission_error"?, _): "permission_error"
        case ("not_found_error"?, _), (_, "model_not_found"?): "not_found_error"
        case ("rate_limit_error"?, _), ("insufficient_quota"?, _), ("tokens"?, _), (_, "rate_limit_exceeded"?): "rate_limit_error"
        case (_, "overloaded"?), ("overloaded_error"?, _): "overloaded_error"
        default: "api_error"
        }
    }

    /// HTTP status -> Anthropic error type (also the type of the gateway's own refusals to Messages callers).
    public static func anthropicType(status: Int) -> String? {
        switch status {
        case 400, 422: "invalid_request_error"
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 408, 504: "timeout_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 500...599: "api_error"
        default: nil
        }
    }

    static func anthropicError(type: String, message: String) -> JSONValue {
        ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
    }
}

extension ChatToAnthropic {
    /// An Anthropic error body (`{"type":"error","error":{"type","message"}}`) as an OpenAI error body.
    public static func errorBody(_ anthropicError: [UInt8]) -> [UInt8] {
        let error = (try? JSONParser.parse(anthropicError))?["error"]
        let message = error?["message"]?.stringValue ?? "the upstream provider returned an error the gateway could not read"
        let (type, code) = ErrorBodies.openAIType(anthropic: error?["type"]?.stringValue)
        let body: JSONValue = ["error": ["message": .string(message), "type": .string(type), "param": nil,
                                         "code": code.map { .string($0) } ?? .null]]
        return body.serialized()
    }
}

extension AnthropicToChat {
    /// An OpenAI (or OpenAI-compatible) error body as `{"type":"error","error":{"type","message"}}`; the
    /// type comes from the status, else from the OpenAI type or code.
    public static func errorBody(_ openAIError: [UInt8], status: Int) -> [UInt8] {
        let parsed = try? JSONParser.parse(openAIError)
        let error = parsed?["error"]
        let message = error?["message"]?.stringValue ?? error?.stringValue ?? parsed?["message"]?.stringValue
            ?? "the upstream provider returned status \(status)"
        let type = ErrorBodies.anthropicType(status: status)
            ?? ErrorBodies.anthropicType(openAI: error?["type"]?.stringValue, code: error?["code"]?.stringValue)
        return ErrorBodies.anthropicError(type: type, message: message).serialized()
    }
}
