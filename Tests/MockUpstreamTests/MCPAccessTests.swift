import Core
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// The token of `/mcp` and the recording of MCP requests in the mock's request log.
@Suite struct MCPAccessTests {
    @Test func aConfiguredTokenIsRequiredOnEveryMCPRoute() async throws {
        try await mockApp(.init(mcp: .init(token: "mcp-secret-1"))).test(.router) { client in
            let initialize = MCPWire.request("initialize", params: MCPWire.initializeParams("2025-11-25"))
            for headers in [jsonHeaders, HTTPFields(["authorization": "Bearer mcp-secret-2"]), HTTPFields(["authorization": "mcp-secret-1"])] {
                try await client.execute(uri: "/mcp", method: .post, headers: headers, body: initialize) {
                    #expect($0.status == .unauthorized)
                    #expect($0.headers[.wwwAuthenticate]?.hasPrefix("Bearer ") == true)
                    #expect($0.headers[HTTPField.Name("Mcp-Session-Id")!] == nil)
                    #expect(String(buffer: $0.body).contains("mcp-secret") == false)
                }
            }
            try await client.execute(uri: "/mcp", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/mcp", method: .delete) { #expect($0.status == .unauthorized) }
            let stateless = try await MCPWire.statelessCall(client, "tools/list")
            #expect(stateless.status == .unauthorized)

            let authorised = HTTPFields(["authorization": "Bearer mcp-secret-1"])
            let session = try await MCPWire.openSession(client, headers: authorised)
            var headers = MCPWire.sessionHeaders(session)
            headers[.authorization] = "bearer mcp-secret-1"
            try await client.execute(uri: "/mcp", method: .post, headers: headers, body: MCPWire.request("tools/list")) {
                #expect($0.status == .ok)
            }
            let statelessAuthorised = try await MCPWire.statelessCall(client, "tools/list", headers: authorised)
            #expect(statelessAuthorised.status == .ok)
            // The LLM routes keep their own key setting (none here).
            try await client.execute(uri: "/v1/models", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func everyMCPRequestIsRecordedWithItsHeaders() async throws {
        try await mockApp(.init(mcp: .init(token: "mcp-secret-1"))).test(.router) { client in
            let authorised = HTTPFields(["authorization": "Bearer mcp-secret-1"])
            let session = try await MCPWire.openSession(client, headers: authorised)
            try await client.execute(
                uri: "/mcp", method: .post, headers: HTTPFields(["authorization": "Bearer wrong", "mcp-session-id": session]),
                body: MCPWire.request("tools/list")
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/mcp", method: .post, headers: authorised, body: MCPWire.request("tools/list")
            ) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/mock/requests", method: .get) {
                let data = try #require(Wire.object($0.body)["data"]?.arrayValue)
                #expect(data.count == 3)
                #expect(data.allSatisfy { $0["path"] == "/mcp" && $0["method"] == "POST" })
                #expect(data[0]["headers"]?["authorization"] == "Bearer mcp-secret-1")
                #expect(data[0]["body"]?["method"] == "initialize")
                #expect(data[0]["outcome"] == "responded")
                #expect(data[1]["headers"]?["authorization"] == "Bearer wrong")
                #expect(data[1]["headers"]?["mcp-session-id"] == .string(session))
                #expect(data[1]["auth_header"] == "authorization")
                #expect(data[1]["outcome"] == "unauthorized")
                #expect(data[2]["body"]?["method"] == "tools/list")
                #expect(data[2]["outcome"] == "bad_request")
            }
        }
    }
}
