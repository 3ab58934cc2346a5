import HTTPTypes
import Hummingbird

/// Google's error shape (Gemini API and Vertex AI): `{"error":{"code":N,"message":"...","status":"..."}}`,
/// `status` the canonical gRPC code name for the HTTP status, and `details` carrying an `ErrorInfo` reason
/// (`API_KEY_INVALID`, `ACCESS_TOKEN_EXPIRED`...) or, on 429, a `RetryInfo` delay, as the real services do.
enum GoogleErrorBody {
    static func response(
        status: Int, message: String, requestID: String, reason: String? = nil, retryAfter: String? = nil
    ) -> Response {
        // The real 429 says when to retry (RetryInfo); the mock also sends it as `retry-after` for plain clients.
        let retry = retryAfter ?? (status == 429 ? "1" : nil)
        var body = ByteBuffer()
        body.writeStaticString("{\"error\":{\"code\":")
        body.writeJSONInt(status)
        body.writeStaticString(",\"message\":")
        body.writeJSONString(message)
        body.writeStaticString(",\"status\":")
        body.writeJSONString(statusName(status))
        if let reason {
            body.writeStaticString(
                ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":")
            body.writeJSONString(reason)
            body.writeStaticString(",\"domain\":\"googleapis.com\"}]")
        } else if status == 429, let retry, let seconds = Int(retry) {
            body.writeStaticString(
                ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"")
            body.writeJSONInt(seconds)
            body.writeStaticString("s\"}]")
        }
        body.writeStaticString("}}")
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = "application/json; charset=UTF-8"
        headers[.requestID] = requestID
        if let retry, status == 429 || retryAfter != nil { headers[.retryAfter] = retry }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }

    /// The canonical status name Google puts next to each HTTP status.
    static func statusName(_ status: Int) -> String {
        switch status {
        case 400, 413: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ABORTED"
        case 429: "RESOURCE_EXHAUSTED"
        case 499: "CANCELLED"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        case 500...599: "INTERNAL"
        default: "FAILED_PRECONDITION"
        }
    }
}
