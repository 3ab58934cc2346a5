import Core
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// The stateless revision 2026-07-28 of `/mcp`: discovery, the per-request envelope and its header checks.
@Suite struct MCPStatelessTests {
    @Test func discoverListsEveryRevisionWithTheRequiredResultFields() async throws {
        try await mockApp().test(.router) { client in
            let response = try await MCPWire.statelessCall(client, "server/discover")
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("Mcp-Session-Id")!] == nil)
            let result = try #require(Wire.object(response.body)["result"])
            #expect(result["supportedVersions"] == ["2025-06-18", "2025-11-25", "2026-07-28"])
            #expect(result["capabilities"]?["tools"] != nil)
            #expect(result["resultType"] == "complete")
            #expect(result["ttlMs"] == 0)
            #expect(result["cacheScope"] == "private")
            #expect(result["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "portcullis-mock-mcp")
        }
    }

    @Test func headersThatDisagreeWithTheBodyAreRefused() async throws {
        try await mockApp().test(.router) { client in
            let call: JSONValue = MCPWire.enveloped(["name": "word_count", "arguments": ["text": "a b"]])
            let cases: [(String, HTTPFields)] = [
                ("method", MCPWire.statelessHeaders(method: "tools/list", name: "word_count")),
                ("name", MCPWire.statelessHeaders(method: "tools/call", name: "delete_note")),
                ("missing name", MCPWire.statelessHeaders(method: "tools/call")),
                ("base64 name of another tool", MCPWire.statelessHeaders(method: "tools/call", name: "=?base64?Z2V0X3RpbWU=?=")),
            ]
            for (label, headers) in cases {
                try await client.execute(uri: "/mcp", method: .post, headers: headers, body: MCPWire.request("tools/call", id: 9, params: call)) {
                    #expect($0.status == .badRequest, "\(label)")
                    let json = Wire.object($0.body)
                    #expect(json["error"]?["code"] == -32020, "\(label)")
                    #expect(json["id"] == 9, "\(label)")
                }
            }
            // The version header must equal the envelope's revision.
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.statelessHeaders(method: "tools/list"),
                body: MCPWire.request("tools/list", params: MCPWire.enveloped(version: "2026-12-01"))
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["code"] == -32020)
            }
            // A routing header sent twice.
            var twice = MCPWire.statelessHeaders(method: "tools/list")
            twice.append(HTTPField(name: HTTPField.Name("Mcp-Method")!, value: "tools/list"))
            try await client.execute(
                uri: "/mcp", method: .post, headers: twice, body: MCPWire.request("tools/list", params: MCPWire.enveloped())
            ) { #expect(Wire.object($0.body)["error"]?["code"] == -32020) }
            // Agreeing headers, the name base64-wrapped as clients send unusual values: answered.
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.statelessHeaders(method: "tools/call", name: "=?base64?d29yZF9jb3VudA==?="),
                body: MCPWire.request("tools/call", params: call)
            ) {
                #expect($0.status == .ok)
                #expect(Wire.object($0.body)["result"]?["content"]?[0]?["text"] == "2")
            }
        }
    }

    @Test func theEnvelopeIsRequiredAndItsRevisionMustBeSpokenHere() async throws {
        try await mockApp().test(.router) { client in
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.statelessHeaders(method: "tools/list"), body: MCPWire.request("tools/list")
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["code"] == -32602)
            }
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.statelessHeaders(method: "tools/list", version: "2027-01-01"),
                body: MCPWire.request("tools/list", params: MCPWire.enveloped(version: "2027-01-01"))
            ) {
                #expect($0.status == .badRequest)
                let error = Wire.object($0.body)["error"]
                #expect(error?["code"] == -32022)
                #expect(error?["data"]?["supported"] == ["2026-07-28"])
                #expect(error?["data"]?["requested"] == "2027-01-01")
            }
        }
    }

    @Test func unknownAndRemovedMethodsAre404AndNoSessionIsInvolved() async throws {
        try await mockApp().test(.router) { client in
            for method in ["tools/frobnicate", "initialize", "ping"] {
                let response = try await MCPWire.statelessCall(client, method)
                #expect(response.status == .notFound, "\(method)")
                #expect(Wire.object(response.body)["error"]?["code"] == -32601, "\(method)")
            }
            // A notification is acknowledged; DELETE has no session to end; a malformed body is -32700.
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.statelessHeaders(method: "notifications/cancelled"),
                body: MCPWire.notification("notifications/cancelled")
            ) { #expect($0.status == .accepted) }
            try await client.execute(uri: "/mcp", method: .delete, headers: MCPWire.statelessHeaders(method: "x")) {
                #expect($0.status == .methodNotAllowed)
            }
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.statelessHeaders(method: "tools/list"), body: Wire.body("nope")
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["code"] == -32700)
            }
        }
    }
}
