import Core
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

@Suite struct AccessAndRecordingTests {
    let chat = ##"{"model":"m","messages":[{"role":"user","content":"hi"}]}"##

    @Test func configuredKeyIsRequiredInEveryAcceptedForm() async throws {
        try await mockApp(.init(apiKey: "sk-mock-123")).test(.router) { client in
            for headers in [HTTPFields(["x": "y"]), HTTPFields(["authorization": "Bearer sk-mock-12"]),
                HTTPFields(["authorization": "sk-mock-123"]), HTTPFields(["api-key": "sk-mock-1234"])]
            {
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: Wire.body(chat)) {
                    #expect($0.status == .unauthorized)
                    let error = Wire.object($0.body)["error"]
                    #expect(error?["code"] == "invalid_api_key")
                    #expect(String(buffer: $0.body).contains("sk-mock") == false)
                }
            }
            for headers in [HTTPFields(["authorization": "Bearer sk-mock-123"]), HTTPFields(["api-key": "sk-mock-123"]),
                HTTPFields(["x-api-key": "sk-mock-123"])]
            {
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: Wire.body(chat)) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/v1/models", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/messages", method: .post, headers: jsonHeaders, body: Wire.body(chat)) {
                #expect($0.status == .unauthorized)
                #expect(Wire.object($0.body)["error"]?["type"] == "authentication_error")
            }
        }
    }

    @Test func azurePathsNeedApiVersionAndOnlyAcceptTheApiKeyHeader() async throws {
        try await mockApp(.init(apiKey: "az-key")).test(.router) { client in
            let path = "/openai/deployments/gpt4o-prod/chat/completions"
            try await client.execute(
                uri: path + "?api-version=2024-10-21", method: .post,
                headers: HTTPFields(["authorization": "Bearer az-key"]), body: Wire.body(##"{"messages":[{"role":"user","content":"hi"}]}"##)
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: path, method: .post, headers: HTTPFields(["api-key": "az-key"]),
                body: Wire.body(##"{"messages":[{"role":"user","content":"hi"}]}"##)
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["message"]?.stringValue?.contains("api-version") == true)
            }
            try await client.execute(
                uri: path + "?api-version=2024-10-21", method: .post, headers: HTTPFields(["api-key": "az-key"]),
                body: Wire.body(##"{"messages":[{"role":"user","content":"hi"}]}"##)
            ) {
                #expect($0.status == .ok)
                let json = Wire.object($0.body)
                #expect(json["model"] == "gpt4o-prod")
                #expect(json["choices"]?[0]?["message"]?["content"] == "Echo: hi")
            }
            try await client.execute(
                uri: "/openai/deployments/emb/embeddings?api-version=2024-10-21", method: .post,
                headers: HTTPFields(["api-key": "az-key"]), body: Wire.body(##"{"input":"x","dimensions":4}"##)
            ) {
                #expect($0.status == .ok)
                #expect(Wire.object($0.body)["data"]?[0]?["embedding"]?.arrayValue?.count == 4)
            }
        }
    }

    @Test(arguments: [400, 401, 403, 404, 429, 500, 502, 503])
    func statusHeaderInjectsAnOpenAIError(status: Int) async throws {
        try await mockApp().test(.router) { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post,
                headers: HTTPFields(["x-mock-status": String(status), "x-mock-retry-after": "3"]), body: Wire.body(chat)
            ) {
                #expect($0.status.code == status)
                #expect($0.headers[.retryAfter] == "3")
                let error = try #require(Wire.object($0.body)["error"])
                #expect(error["message"]?.stringValue?.contains(String(status)) == true)
                #expect(error["type"]?.stringValue?.isEmpty == false)
                #expect(error["param"] == .null)
            }
        }
    }

    @Test func errorModelNameInjectsTheStatusOnEveryAPI() async throws {
        try await mockApp().test(.router) { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: jsonHeaders,
                body: Wire.body(##"{"model":"mock-error-503","messages":[]}"##)
            ) {
                #expect($0.status == .serviceUnavailable)
                #expect(Wire.object($0.body)["error"]?["code"] == "service_unavailable")
            }
            try await client.execute(
                uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body(##"{"model":"mock-gpt+status=429","input":"x"}"##)
            ) {
                #expect($0.status == .tooManyRequests)
                #expect(Wire.object($0.body)["error"]?["code"] == "rate_limit_exceeded")
            }
            try await client.execute(
                uri: "/v1/embeddings", method: .post, headers: jsonHeaders, body: Wire.body(##"{"model":"mock-error-500","input":"x"}"##)
            ) { #expect($0.status == .internalServerError) }
        }
    }

    @Test func slowFirstByteDelaysTheResponseHead() async throws {
        try await mockApp().test(.router) { client in
            let clock = ContinuousClock()
            let start = clock.now
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: HTTPFields(["x-mock-first-byte-delay-ms": "300"]),
                body: Wire.body(chat)
            ) { #expect($0.status == .ok) }
            #expect(clock.now - start >= .milliseconds(300))
            let start2 = clock.now
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: jsonHeaders,
                body: Wire.body(##"{"model":"mock-slow-200","stream":true,"messages":[{"role":"user","content":"hi"}]}"##)
            ) { #expect(Wire.events($0.body).last?.data == "[DONE]") }
            #expect(clock.now - start2 >= .milliseconds(200))
        }
    }

    @Test func requestsAreRecordedWithHeadersBodyAndOutcome() async throws {
        try await mockApp(.init(recordLimit: 2)).test(.router) { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post,
                headers: HTTPFields(["authorization": "Bearer provider-key", "x-request-id": "r1"]),
                body: Wire.body(##"{"model":"m","user":"alice","messages":[{"role":"user","content":"[REDACTED]"}]}"##)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/models", method: .get, headers: HTTPFields(["x-mock-status": "500"])) {
                #expect($0.status == .internalServerError)
            }
            try await client.execute(uri: "/v1/responses", method: .post, headers: jsonHeaders, body: Wire.body("not json")) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/mock/requests", method: .get) {
                let data = try #require(Wire.object($0.body)["data"]?.arrayValue)
                #expect(data.count == 2)  // the limit drops the oldest
                #expect(data[0]["method"] == "GET")
                #expect(data[0]["path"] == "/v1/models")
                #expect(data[0]["outcome"] == "error_injected")
                #expect(data[0]["headers"]?["x-mock-status"] == "500")
                #expect(data[1]["path"] == "/v1/responses")
                #expect(data[1]["body"] == .null)
                #expect(data[1]["body_text"] == "not json")
                #expect(data[1]["outcome"] == "bad_request")
            }
            try await client.execute(uri: "/mock/requests", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(
                uri: "/v1/chat/completions", method: .post,
                headers: HTTPFields(["authorization": "Bearer provider-key", "x-request-id": "r2"]),
                body: Wire.body(##"{"model":"m","user":"alice","messages":[{"role":"user","content":"[REDACTED]"}]}"##)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/mock/requests", method: .get) {
                let data = try #require(Wire.object($0.body)["data"]?.arrayValue)
                #expect(data.count == 1)
                #expect(data[0]["headers"]?["authorization"] == "Bearer provider-key")
                #expect(data[0]["headers"]?["x-request-id"] == "r2")
                #expect(data[0]["body"]?["user"] == "alice")
                #expect(data[0]["body"]?["messages"]?[0]?["content"] == "[REDACTED]")
                #expect(data[0]["outcome"] == "responded")
            }
        }
    }
}
