import HTTPTypes
import Hummingbird

/// Errors as Bedrock Runtime sends them: a status, the error type in `x-amzn-errortype`, and
/// `{"message": "..."}` (also `x-amzn-requestid`).
enum BedrockErrors {
    static func response(status: Int, type: String, message: String, requestID: String, retryAfter: String? = nil) -> Response {
        var body = ByteBuffer()
        body.writeStaticString("{\"message\":")
        body.writeJSONString(message)
        body.writeStaticString("}")
        var headers = HTTPFields()
        headers.reserveCapacity(5)
        headers[.contentType] = "application/json"
        headers[.amznErrorType] = type
        headers[.amznRequestID] = requestID
        headers[.requestID] = requestID
        if let retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }

    /// The exception Bedrock Runtime names for a status.
    static func type(_ status: Int) -> String {
        switch status {
        case 400, 413: "ValidationException"
        case 401, 403: "AccessDeniedException"
        case 404: "ResourceNotFoundException"
        case 408: "ModelTimeoutException"
        case 424: "ModelErrorException"
        case 429: "ThrottlingException"
        case 503: "ServiceUnavailableException"
        default: "InternalServerException"
        }
    }

    /// The in-stream exception (`:exception-type`) of a model preset, e.g. `mock-stream-throttle`.
    static func streamException(model: String) -> String? {
        let base = model.split(separator: "+").first.map(String.init) ?? ""
        switch base {
        case "mock-stream-throttle": return "throttlingException"
        case "mock-stream-unavailable": return "serviceUnavailableException"
        case "mock-stream-internal": return "internalServerException"
        case "mock-stream-validation": return "validationException"
        case "mock-stream-model-error": return "modelStreamErrorException"
        default: return nil
        }
    }
}

extension HTTPField.Name {
    static let amznErrorType = HTTPField.Name("x-amzn-errortype")!
    static let amznRequestID = HTTPField.Name("x-amzn-requestid")!
    static let amzDate = HTTPField.Name("x-amz-date")!
    static let amzSecurityToken = HTTPField.Name("x-amz-security-token")!
    static let amzContentSHA256 = HTTPField.Name("x-amz-content-sha256")!
}
