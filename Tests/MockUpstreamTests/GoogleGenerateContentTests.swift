import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

@Suite struct GoogleGenerateContentTests {
    static let hello = ##"{"contents":[{"role":"user","parts":[{"text":"hello there"}]}]}"##

    @Test func geminiNeedsTheConfiguredKeyInGooglesErrorShape() async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(uri: "/v1beta/models/gemini-2.5-flash:generateContent", method: .post, headers: jsonHeaders, body: Wire.body(Self.hello)) {
                #expect($0.status == .forbidden)
                let error = Wire.object($0.body)["error"]
                #expect(error?["code"]?.intValue == 403)
                #expect(error?["status"] == "PERMISSION_DENIED")
            }
            try await client.execute(
                uri: "/v1beta/models/gemini-2.5-flash:generateContent", method: .post,
                headers: HTTPFields(["x-goog-api-key": "wrong-key"]), body: Wire.body(Self.hello)
            ) {
                #expect($0.status == .badRequest)
                let error = Wire.object($0.body)["error"]
                #expect(error?["status"] == "INVALID_ARGUMENT")
                #expect(error?["details"]?[0]?["reason"] == "API_KEY_INVALID")
            }
            // The log says a key was refused, never what it was.
            let log = try await client.execute(uri: "/mock/requests", method: .get) { String(buffer: $0.body) }
            #expect(!log.contains("wrong-key"))
            #expect(log.contains("[redacted: refused]"))
            #expect(log.contains("\"auth_header\":\"x-goog-api-key\""))
        }
    }

    @Test func geminiAnswersTextWithUsage() async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(
                uri: "/v1beta/models/gemini-2.5-flash:generateContent", method: .post, headers: Google.geminiHeaders,
                body: Wire.body(##"{"systemInstruction":{"parts":[{"text":"be brief"}]},"contents":[{"role":"user","parts":[{"text":"#say Hello from Gemini"}]}],"generationConfig":{"temperature":0.2}}"##)
            ) {
                #expect($0.status == .ok)
                let answer = Wire.object($0.body)
                #expect(Google.text(answer) == "Hello from Gemini")
                let candidate = answer["candidates"]?[0]
                #expect(candidate?["content"]?["role"] == "model")
                #expect(candidate?["finishReason"] == "STOP")
                #expect(candidate?["safetyRatings"]?.arrayValue?.count == 4)
                let usage = answer["usageMetadata"]
                let prompt = try #require(usage?["promptTokenCount"]?.intValue)
                let produced = try #require(usage?["candidatesTokenCount"]?.intValue)
                #expect(prompt == (8 + 22 + 3) / 4 && produced == 5)  // 4-scalar pieces of 17 scalars
                #expect(usage?["totalTokenCount"]?.intValue == prompt + produced)
                #expect(answer["modelVersion"] == "gemini-2.5-flash")
                #expect(answer["responseId"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test func geminiAnswersAFunctionCallAfterItsText() async throws {
        let body = ##"""
            {"contents":[{"role":"user","parts":[{"text":"#say-then-tool Checking.|get_weather {\"city\":\"Paris\"}"}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"object"}}]}]}
            """##
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(uri: "/v1beta/models/gemini-2.5-pro:generateContent", method: .post, headers: Google.geminiHeaders, body: Wire.body(body)) {
                #expect($0.status == .ok)
                let parts = Wire.object($0.body)["candidates"]?[0]?["content"]?["parts"]?.arrayValue ?? []
                #expect(parts.count == 2)
                #expect(parts.first?["text"] == "Checking.")
                #expect(parts.last?["functionCall"]?["name"] == "get_weather")
                #expect(parts.last?["functionCall"]?["args"]?["city"] == "Paris")
            }
            // The caller's second round: the function's response is the tool result.
            let second = ##"""
                {"contents":[{"role":"user","parts":[{"text":"weather?"}]},
                 {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"22C"}}}]}]}
                """##
            try await client.execute(uri: "/v1beta/models/gemini-2.5-pro:generateContent", method: .post, headers: Google.geminiHeaders, body: Wire.body(second)) {
                #expect(Google.text(Wire.object($0.body)) == "Tool result: 22C")
            }
        }
    }

    @Test func forcedFunctionCallingFollowsToolConfig() async throws {
        let body = ##"""
            {"contents":[{"role":"user","parts":[{"text":"hi"}]}],
             "tools":[{"functionDeclarations":[{"name":"a"},{"name":"b"}]}],
             "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["b"]}}}
            """##
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(uri: "/v1beta/models/g:generateContent", method: .post, headers: Google.geminiHeaders, body: Wire.body(body)) {
                let part = Wire.object($0.body)["candidates"]?[0]?["content"]?["parts"]?[0]
                #expect(part?["functionCall"]?["name"] == "b")
                #expect(part?["functionCall"]?["args"] == .object([:]))
            }
        }
    }

    @Test func streamSendsIncrementalChunksEndingWithFinishAndUsage() async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(
                uri: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", method: .post,
                headers: Google.geminiHeaders, body: Wire.body(##"{"contents":[{"role":"user","parts":[{"text":"#say one two three"}]}]}"##)
            ) {
                #expect($0.status == .ok)
                #expect($0.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                let chunks = try Google.chunks($0.body)
                #expect(chunks.count == 4)  // "one ", "two ", "thre", "e"
                #expect(chunks.map(Google.text).joined() == "one two three")
                for chunk in chunks.dropLast() {
                    #expect(chunk["candidates"]?[0]?["finishReason"] == nil)
                    #expect(chunk["usageMetadata"] == nil)
                }
                #expect(chunks.last?["candidates"]?[0]?["finishReason"] == "STOP")
                #expect(chunks.last?["usageMetadata"]?["candidatesTokenCount"]?.intValue == 4)
                #expect(Set(chunks.compactMap { $0["responseId"]?.stringValue }).count == 1)
            }
            // Without alt=sse Google would stream a JSON array; the mock refuses rather than guess.
            try await client.execute(
                uri: "/v1beta/models/gemini-2.5-flash:streamGenerateContent", method: .post, headers: Google.geminiHeaders,
                body: Wire.body(Self.hello)
            ) { #expect($0.status == .badRequest) }
        }
    }

    @Test func maxOutputTokensEndsWithMaxTokens() async throws {
        let body = ##"{"contents":[{"role":"user","parts":[{"text":"#lorem 40"}]}],"generationConfig":{"maxOutputTokens":3}}"##
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(uri: "/v1beta/models/g:generateContent", method: .post, headers: Google.geminiHeaders, body: Wire.body(body)) {
                let answer = Wire.object($0.body)
                #expect(answer["candidates"]?[0]?["finishReason"] == "MAX_TOKENS")
                #expect(Google.text(answer) == "lorem ipsum ")
                #expect(answer["usageMetadata"]?["candidatesTokenCount"]?.intValue == 3)
            }
        }
    }

    @Test func safetyBlocksHaveNoText() async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(
                uri: "/v1beta/models/mock-safety-block:generateContent", method: .post, headers: Google.geminiHeaders, body: Wire.body(Self.hello)
            ) {
                #expect($0.status == .ok)
                let candidate = Wire.object($0.body)["candidates"]?[0]
                #expect(candidate?["finishReason"] == "SAFETY")
                #expect(candidate?["content"] == nil)
                #expect(candidate?["safetyRatings"]?.arrayValue?.contains { $0["blocked"] == .bool(true) } == true)
            }
            try await client.execute(
                uri: "/v1beta/models/gemini:streamGenerateContent?alt=sse", method: .post, headers: Google.geminiHeaders,
                body: Wire.body(##"{"contents":[{"role":"user","parts":[{"text":"#prompt-block please"}]}]}"##)
            ) {
                let chunks = try Google.chunks($0.body)
                #expect(chunks.count == 1)
                #expect(chunks.first?["candidates"] == nil)
                #expect(chunks.first?["promptFeedback"]?["blockReason"] == "SAFETY")
            }
        }
    }

    @Test(arguments: [(429, "RESOURCE_EXHAUSTED"), (500, "INTERNAL"), (503, "UNAVAILABLE")])
    func injectedFailuresUseGoogleStatuses(status: Int, name: String) async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(
                uri: "/v1beta/models/mock-error-\(status):generateContent", method: .post, headers: Google.geminiHeaders, body: Wire.body(Self.hello)
            ) {
                #expect($0.status.code == status)
                let error = Wire.object($0.body)["error"]
                #expect(error?["code"]?.intValue == status)
                #expect(error?["status"]?.stringValue == name)
                #expect(($0.headers[.retryAfter] != nil) == (status == 429))
            }
        }
    }

    @Test func cutStreamStopsAfterNChunks() async throws {
        var configuration = Google.configuration()
        configuration.port = 0
        try await mockApp(configuration).test(.live) { client in
            let port = try #require(client.port)
            let raw = try await RawHTTP.exchange(
                port: port, path: "/v1beta/models/mock-cut-2:streamGenerateContent?alt=sse",
                headers: ["x-goog-api-key": "gemini-test-key"],
                body: ##"{"contents":[{"role":"user","parts":[{"text":"#lorem 20"}]}]}"##)
            #expect(raw.hasPrefix("HTTP/1.1 200"))
            #expect(raw.components(separatedBy: "data: {").count - 1 == 2)
            #expect(!raw.contains("finishReason"))
            let log = try await RawHTTP.exchange(port: port, method: "GET", path: "/mock/requests", body: "")
            #expect(log.contains("\"outcome\":\"stream_cut\""))
        }
    }

    @Test func vertexNeedsABearerTokenFromTheMockTokenEndpoint() async throws {
        let path = Google.vertexPath + "gemini-2.5-flash:generateContent"
        try await mockApp(Google.configuration()).test(.router) { client in
            try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: Wire.body(Self.hello)) {
                #expect($0.status == .unauthorized)
                #expect(Wire.object($0.body)["error"]?["status"] == "UNAUTHENTICATED")
            }
            try await client.execute(
                uri: path, method: .post, headers: HTTPFields(["authorization": "Bearer ya29.made-up"]), body: Wire.body(Self.hello)
            ) { #expect($0.status == .unauthorized) }

            let token = try await Google.tokenSource(client).accessToken()
            #expect(token.hasPrefix("ya29.mock-"))
            let bearer = HTTPFields(["authorization": "Bearer \(token)"])
            try await client.execute(uri: path, method: .post, headers: bearer, body: Wire.body(Self.hello)) {
                #expect($0.status == .ok)
                #expect(Google.text(Wire.object($0.body)) == "Echo: hello there")
            }
            try await client.execute(
                uri: Google.vertexPath + "gemini-2.5-flash:streamGenerateContent?alt=sse", method: .post, headers: bearer,
                body: Wire.body(Self.hello)
            ) {
                let chunks = try Google.chunks($0.body)
                #expect(chunks.map(Google.text).joined() == "Echo: hello there")
            }
            let log = try await client.execute(uri: "/mock/requests", method: .get) { String(buffer: $0.body) }
            #expect(!log.contains(token) && !log.contains("ya29.made-up"))
            #expect(log.contains("[redacted: verified]"))

            // Revoked (as expired) tokens no longer open Vertex.
            try await client.execute(uri: "/mock/google/tokens", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(uri: path, method: .post, headers: bearer, body: Wire.body(Self.hello)) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
