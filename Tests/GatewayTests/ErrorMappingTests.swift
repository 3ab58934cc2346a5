import Core
import Foundation
import Providers
import Testing
@testable import Gateway

@Suite struct ErrorMappingTests {
    func decode(_ e: GatewayError) throws -> [String: Any] {
        let (bytes, type) = ErrorResponse.body(for: e)
        #expect(type == "application/json")
        let json = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        return try #require(json?["error"] as? [String: Any])
    }

    @Test(arguments: [
        (GatewayError.invalidRequest(message: "bad", param: "messages"), 400, "invalid_request"),
        (.bodyTooLarge(limit: 10), 413, "request_too_large"),
        (.unknownModel("gpt-x"), 404, "model_not_found"),
        (.unknownRoute(method: "GET", path: "/v1/nope"), 404, "unknown_url"),
        (.unauthenticated(description: "token expired"), 401, "invalid_token"),
        (.credentialsMissing, 401, "missing_credentials"),
        (.forbidden(policies: ["no-pii-external"]), 403, "policy_denied"),
        (.limited(code: "rate_limit_exceeded", message: "slow down", retryAfterSeconds: 3, headers: []), 429, "rate_limit_exceeded"),
        (.guardrailBlocked(category: "secret.aws_access_key"), 400, "content_blocked"),
        (.controlUnavailable(control: "audit"), 503, "control_unavailable"),
        (.upstream(.timeout(provider: "openai")), 504, "upstream_timeout"),
        (.upstream(.unreachable(provider: "openai", reason: "connection failed")), 502, "upstream_unreachable"),
        (.internalError, 500, "internal_error"),
    ])
    func statusAndCode(_ error: GatewayError, _ status: Int, _ code: String) throws {
        #expect(ErrorResponse(error).status == status)
        let body = try decode(error)
        #expect(body["code"] as? String == code)
        #expect((body["message"] as? String)?.isEmpty == false)
        #expect(body["type"] is String)
    }

    @Test func unauthenticatedCarriesRFC6750Challenge() {
        let r = ErrorResponse(.unauthenticated(description: "audience \"x\" not accepted"))
        let challenge = r.headers.first { $0.0 == "www-authenticate" }?.1
        #expect(challenge == "Bearer error=\"invalid_token\", error_description=\"audience x not accepted\"")
    }

    @Test func missingCredentialsGetsBareChallenge() {
        let r = ErrorResponse(.credentialsMissing)
        #expect(r.headers.first { $0.0 == "www-authenticate" }?.1 == "Bearer realm=\"portcullis\"")
    }

    @Test func deniedNamesPolicyUnlessHidden() throws {
        #expect((try decode(.forbidden(policies: ["p1"])))["message"] as? String == "Request refused: denied by policy p1.")
        #expect((try decode(.forbidden(policies: nil)))["message"] as? String == "Request refused: denied by policy.")
        #expect((try decode(.forbidden(policies: [])))["message"] as? String == "Request refused: no policy permits this request.")
    }

    @Test func rateLimitSetsRetryAfterAndHeaders() {
        let r = ErrorResponse(.limited(type: "insufficient_quota", code: "insufficient_quota", message: "m", retryAfterSeconds: 42, headers: [("x-ratelimit-limit-requests", "10")]))
        #expect(r.type == "insufficient_quota" && r.code == "insufficient_quota" && r.status == 429)
        #expect(ErrorResponse(.limited(type: "tokens", code: "rate_limit_exceeded", message: "m", retryAfterSeconds: 1, headers: [])).type == "tokens")
        #expect(r.headers.contains { $0 == ("retry-after", "42") })
        #expect(r.headers.contains { $0 == ("x-ratelimit-limit-requests", "10") })
    }

    @Test func upstreamErrorBodyIsRelayed() {
        let body = Array(#"{"error":{"message":"quota","type":"insufficient_quota"}}"#.utf8)
        let (bytes, _) = ErrorResponse.body(for: .upstreamStatus(status: 429, body: body, contentType: "application/json"))
        #expect(bytes == body)
        #expect(ErrorResponse(.upstreamStatus(status: 429, body: body, contentType: nil)).status == 429)
    }

    @Test func echoedInputIsBoundedAndClean() throws {
        let long = String(repeating: "a", count: 500) + "\u{1}\n"
        let message = try #require(try decode(.unknownModel(long))["message"] as? String)
        #expect(message.count < 200)
        #expect(!message.contains("\u{1}"))
    }
}
