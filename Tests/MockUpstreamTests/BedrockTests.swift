import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Providers
import Testing

/// Signed Bedrock calls against the mock, as the gateway will make them (router tests: host `localhost`).
enum Bedrock {
    static let keys = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    static func headers(
        path: String, body: String, credentials: AWSCredentials = keys, date: Date = Date(), extra: [(String, String)] = []
    ) -> HTTPFields {
        let base = [("content-type", "application/json")] + extra
        let signed = SigV4Signer(region: "us-east-1", service: "bedrock").signingHeaders(
            method: "POST", url: "http://localhost" + path, headers: base, body: Array(body.utf8), credentials: credentials,
            date: date)
        var fields = HTTPFields()
        for (name, value) in base + signed { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    static func body(_ prompt: String, tools: [String] = [], extra: String = "") -> String {
        let toolConfig = tools.isEmpty ? "" : #","toolConfig":{"tools":["# + tools.map {
            #"{"toolSpec":{"name":"\#($0)","description":"d","inputSchema":{"json":{"type":"object"}}}}"#
        }.joined(separator: ",") + "]}"
        return #"{"messages":[{"role":"user","content":[{"text":\#(prompt.jsonLiteral)}]}]\#(toolConfig)\#(extra)}"#
    }

    /// The stream's messages named by `BedrockStreamEvent`, decoded by the gateway's decoder.
    static func events(_ buffer: ByteBuffer) throws -> [(name: String, json: JSONValue)] {
        var decoder = EventStreamDecoder()
        let messages = try decoder.push(buffer.readableBytesView)
        try decoder.finish()
        return try messages.map { message in
            let named = try BedrockStreamEvent.named(message)
            return (named.name, try JSONDecoder().decode(JSONValue.self, from: Data(named.data)))
        }
    }

    /// `<Tag>value</Tag>` of an XML answer.
    static func xml(_ tag: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(tag)>"), let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

@Suite struct BedrockTests {
    static let converse = "/model/anthropic.claude-3%3A0/converse"

    @Test func signedConverseIsAnsweredLikeAnthropic() async throws {
        try await mockApp(.init(apiKey: "irrelevant-for-sigv4")).test(.router) { client in
            let body = Bedrock.body("hello there")
            try await client.execute(uri: Self.converse, method: .post, headers: Bedrock.headers(path: Self.converse, body: body), body: Wire.body(body)) {
                #expect($0.status == .ok, "\(String(buffer: $0.body))")
                let answer = Wire.object($0.body)
                #expect(answer["output"]?["message"]?["role"] == "assistant")
                #expect(answer["output"]?["message"]?["content"]?[0]?["text"] == "Echo: hello there")
                #expect(answer["stopReason"] == "end_turn")
                #expect(answer["usage"]?["totalTokens"]?.intValue == (answer["usage"]?["inputTokens"]?.intValue ?? -1) + (answer["usage"]?["outputTokens"]?.intValue ?? -1))
            }
            let log = try await client.execute(uri: "/mock/requests", method: .get) { Wire.object($0.body) }
            let entry = log["data"]?[0]
            #expect(entry?["sigv4"] == "verified")
            #expect(entry?["path"] == .string(Self.converse))
            let auth = entry?["headers"]?["authorization"]?.stringValue ?? ""
            #expect(auth.hasSuffix("Signature=[redacted]") && auth.contains("Credential=AKIDEXAMPLE/"))
        }
    }

    @Test func toolUseAnswer() async throws {
        try await mockApp().test(.router) { client in
            let body = Bedrock.body(#"#say-then-tool Looking it up.|get_weather {"city":"Paris"}"#, tools: ["get_weather"])
            try await client.execute(uri: Self.converse, method: .post, headers: Bedrock.headers(path: Self.converse, body: body), body: Wire.body(body)) {
                let answer = Wire.object($0.body)
                let content = answer["output"]?["message"]?["content"]
                #expect(content?[0]?["text"] == "Looking it up.")
                #expect(content?[1]?["toolUse"]?["name"] == "get_weather")
                #expect(content?[1]?["toolUse"]?["input"]?["city"] == "Paris")
                #expect(answer["stopReason"] == "tool_use")
            }
        }
    }

    @Test func missingOrBadSignaturesAreRefused() async throws {
        try await mockApp().test(.router) { client in
            let body = Bedrock.body("hi")
            let cases: [(HTTPFields, String, String)] = [
                (jsonHeaders, "MissingAuthenticationTokenException", "Missing Authentication Token"),
                (Bedrock.headers(path: Self.converse, body: body, credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wrong")),
                 "InvalidSignatureException", "The request signature we calculated does not match"),
                (Bedrock.headers(path: Self.converse, body: body + " "), "InvalidSignatureException", "does not match"),
                (Bedrock.headers(path: "/model/other/converse", body: body), "InvalidSignatureException", "does not match"),
                (Bedrock.headers(path: Self.converse, body: body, credentials: .init(accessKeyID: "AKIDOTHER", secretAccessKey: "x")),
                 "UnrecognizedClientException", "security token included in the request is invalid"),
                (Bedrock.headers(path: Self.converse, body: body, date: Date().addingTimeInterval(-600)), "InvalidSignatureException", "Signature expired"),
                (Bedrock.headers(path: Self.converse, body: body, extra: [("x-amz-content-sha256", String(repeating: "0", count: 64))]),
                 "InvalidSignatureException", "does not match"),
            ]
            for (headers, type, message) in cases {
                try await client.execute(uri: Self.converse, method: .post, headers: headers, body: Wire.body(body)) {
                    #expect($0.status == .forbidden)
                    #expect($0.headers[HTTPField.Name("x-amzn-errortype")!] == type)
                    #expect(Wire.object($0.body)["message"]?.stringValue?.contains(message) == true, "\(String(buffer: $0.body))")
                }
            }
            let log = try await client.execute(uri: "/mock/requests", method: .get) { Wire.object($0.body) }
            #expect(log["data"]?[1]?["sigv4"] == "refused: signature mismatch")
            #expect(log["data"]?[1]?["outcome"] == "unauthorized")
        }
    }

    @Test func temporaryCredentialsFromTheMockSTS() async throws {
        try await mockApp(.init(aws: .init(expectedWebIdentityToken: "eks-token"))).test(.router) { client in
            let refused = try await client.execute(
                uri: "/sts", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: Wire.body("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fgw&RoleSessionName=s&WebIdentityToken=wrong")
            ) { (status: $0.status, text: String(buffer: $0.body)) }
            #expect(refused.status == .badRequest)
            #expect(Bedrock.xml("Code", in: refused.text) == "InvalidIdentityToken")
            let form = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fgw&RoleSessionName=s&WebIdentityToken=eks-token&DurationSeconds=900"
            let xml = try await client.execute(uri: "/sts", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: Wire.body(form)) {
                #expect($0.status == .ok)
                return String(buffer: $0.body)
            }
            let key = try #require(Bedrock.xml("AccessKeyId", in: xml))
            let secret = try #require(Bedrock.xml("SecretAccessKey", in: xml))
            let token = try #require(Bedrock.xml("SessionToken", in: xml))
            #expect(key.hasPrefix("ASIA") && Bedrock.xml("Expiration", in: xml) != nil)
            let temporary = AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
            let body = Bedrock.body("temporary")
            try await client.execute(uri: Self.converse, method: .post, headers: Bedrock.headers(path: Self.converse, body: body, credentials: temporary), body: Wire.body(body)) {
                #expect($0.status == .ok, "\(String(buffer: $0.body))")
            }
            var noToken = temporary
            noToken.sessionToken = nil
            try await client.execute(uri: Self.converse, method: .post, headers: Bedrock.headers(path: Self.converse, body: body, credentials: noToken), body: Wire.body(body)) {
                #expect($0.status == .forbidden)
                #expect($0.headers[HTTPField.Name("x-amzn-errortype")!] == "UnrecognizedClientException")
            }
            let calls = try await client.execute(uri: "/mock/sts/calls", method: .get) { Wire.object($0.body) }
            #expect(calls["calls"]?.intValue == 2)
            let log = try await client.execute(uri: "/mock/requests", method: .get) { String(buffer: $0.body) }
            #expect(!log.contains("eks-token") && !log.contains(token) && log.contains("WebIdentityToken=[redacted]"))
        }
    }

    static func stream(_ client: some TestClientProtocol, _ body: String, model: String = "anthropic.claude-3%3A0")
        async throws -> (status: HTTPResponse.Status, contentType: String?, events: [(name: String, json: JSONValue)])
    {
        let path = "/model/\(model)/converse-stream"
        return try await client.execute(uri: path, method: .post, headers: Bedrock.headers(path: path, body: body), body: Wire.body(body)) {
            ($0.status, $0.headers[.contentType], $0.status == .ok ? try Bedrock.events($0.body) : [])
        }
    }

    @Test func streamDecodesIntoBedrockEvents() async throws {
        try await mockApp(.init(chunkSize: 4)).test(.router) { client in
            let body = Bedrock.body(#"#say-then-tool Let me see.|lookup {"q":"x"}"#, tools: ["lookup"])
            for model in ["anthropic.claude-3%3A0", "mock-claude%2Bsplit%3D7", "mock-claude+split=1"] {
                let answer = try await Self.stream(client, body, model: model)
                #expect(answer.status == .ok)
                #expect(answer.contentType == "application/vnd.amazon.eventstream")
                let names = answer.events.map(\.name)
                #expect(names.first == "messageStart" && names.suffix(2) == ["messageStop", "metadata"], "\(model)")
                #expect(names.filter { $0 == "contentBlockStop" }.count == 2)
                let text = answer.events.filter { $0.name == "contentBlockDelta" && $0.json["contentBlockIndex"]?.intValue == 0 }
                    .compactMap { $0.json["delta"]?["text"]?.stringValue }.joined()
                #expect(text == "Let me see.")
                let start = answer.events.first { $0.name == "contentBlockStart" }?.json
                #expect(start?["contentBlockIndex"]?.intValue == 1 && start?["start"]?["toolUse"]?["name"] == "lookup")
                let input = answer.events.compactMap { $0.json["delta"]?["toolUse"]?["input"]?.stringValue }.joined()
                #expect(input == #"{"q":"x"}"#)
                #expect(answer.events.first { $0.name == "messageStop" }?.json["stopReason"] == "tool_use")
                #expect(answer.events.last?.json["usage"]?["outputTokens"]?.intValue ?? 0 > 0)
            }
        }
    }

    @Test func injectedFailures() async throws {
        try await mockApp().test(.router) { client in
            let throttled = try await Self.stream(client, Bedrock.body("#lorem 20"), model: "mock-stream-throttle")
            #expect(throttled.events.map(\.name) == ["messageStart", "contentBlockDelta", "exception:throttlingException"])
            for (status, type) in [(429, "ThrottlingException"), (503, "ServiceUnavailableException"), (400, "ValidationException"),
                                   (408, "ModelTimeoutException"), (500, "InternalServerException"), (403, "AccessDeniedException")] {
                let path = "/model/mock-error-\(status)/converse"
                let body = Bedrock.body("x")
                try await client.execute(uri: path, method: .post, headers: Bedrock.headers(path: path, body: body), body: Wire.body(body)) {
                    #expect($0.status.code == status)
                    #expect($0.headers[HTTPField.Name("x-amzn-errortype")!] == type)
                    #expect(Wire.object($0.body)["message"]?.stringValue != nil)
                }
            }
        }
    }
}
