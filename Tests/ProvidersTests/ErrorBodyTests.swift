import Core
import Providers
import Testing

@Suite struct ErrorBodyTests {
    @Test(arguments: [
        ("invalid_request_error", "invalid_request_error", JSONValue.null), ("authentication_error", "authentication_error", "invalid_api_key"),
        ("rate_limit_error", "rate_limit_error", "rate_limit_exceeded"), ("overloaded_error", "server_error", "overloaded"),
        ("api_error", "server_error", .null), ("request_too_large", "invalid_request_error", "request_too_large"),
        ("not_found_error", "not_found_error", .null), ("permission_error", "permission_error", .null),
    ])
    func anthropicErrorBecomesOpenAIError(anthropic: String, type: String, code: JSONValue) {
        let body: JSONValue = ["type": "error", "error": ["type": .string(anthropic), "message": "nope", "details": "secret-ish"], "request_id": "req_1"]
        let out = json(text(ChatToAnthropic.errorBody(body.serialized())))
        #expect(out == ["error": ["message": "nope", "type": .string(type), "param": nil, "code": code]])
    }

    @Test func unreadableAnthropicErrorGetsAGenericMessage() {
        let out = json(text(ChatToAnthropic.errorBody(Array("<html>bad gateway</html>".utf8))))
        #expect(out["error"]?["message"] == "the upstream provider returned an error the gateway could not read")
        #expect(out["error"]?["type"] == "server_error")
    }

    @Test(arguments: [
        (400, "invalid_request_error"), (401, "authentication_error"), (403, "permission_error"), (404, "not_found_error"),
        (413, "request_too_large"), (429, "rate_limit_error"), (500, "api_error"), (503, "overloaded_error"), (529, "overloaded_error"),
    ])
    func openAIErrorBecomesAnthropicError(status: Int, type: String) {
        let body = json(#"{"error":{"message":"nope","type":"whatever","param":"messages","code":"x"}}"#)
        let out = json(text(AnthropicToChat.errorBody(body.serialized(), status: status)))
        #expect(out == ["type": "error", "error": ["type": .string(type), "message": "nope"]])
    }

    @Test func unreadableOpenAIErrorNamesTheStatus() {
        let out = json(text(AnthropicToChat.errorBody(Array("oops".utf8), status: 502)))
        #expect(out == ["type": "error", "error": ["type": "api_error", "message": "the upstream provider returned status 502"]])
    }
}
