import Core
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

/// The handshake era of `/mcp` (2025-06-18, 2025-11-25): initialize, sessions, notifications, errors.
@Suite struct MCPHandshakeTests {
    let sessionHeader = HTTPField.Name("Mcp-Session-Id")!

    @Test(arguments: [
        ("2025-06-18", "2025-06-18"), ("2025-11-25", "2025-11-25"), ("2024-11-05", "2025-11-25"), ("2026-07-28", "2025-11-25"),
    ])
    func initializeNegotiatesTheRevisionAndOpensASession(asked: String, answered: String) async throws {
        try await mockApp().test(.router) { client in
            let response = try await client.execute(
                uri: "/mcp", method: .post, headers: jsonHeaders,
                body: MCPWire.request("initialize", id: 7, params: MCPWire.initializeParams(asked)))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let session = try #require(response.headers[sessionHeader])
            #expect(session.count == 32)
            #expect(session.allSatisfy { $0.isHexDigit })
            let json = Wire.object(response.body)
            #expect(json["jsonrpc"] == "2.0")
            #expect(json["id"] == 7)
            let result = try #require(json["result"])
            #expect(result["protocolVersion"] == .string(answered))
            #expect(result["serverInfo"]?["name"] == "portcullis-mock-mcp")
            #expect(result["serverInfo"]?["version"] == "1.0.0")
            #expect(result["capabilities"]?["tools"]?["listChanged"] == false)
            #expect(result["capabilities"]?["resources"] != nil)
            #expect(result["capabilities"]?["prompts"] != nil)
            #expect(result["resultType"] == nil)  // a stateless-revision field only

            // The session answers in the negotiated revision; another initialize opens another session.
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.sessionHeaders(session, version: answered),
                body: MCPWire.request("ping", id: 8)
            ) {
                #expect($0.status == .ok)
                #expect(Wire.object($0.body)["result"] == [:])
            }
            let second = try await MCPWire.openSession(client, version: asked)
            #expect(second != session)
        }
    }

    @Test func laterMessagesMustNameAnOpenSessionInItsRevision() async throws {
        try await mockApp().test(.router) { client in
            let session = try await MCPWire.openSession(client, version: "2025-06-18")
            try await client.execute(uri: "/mcp", method: .post, headers: jsonHeaders, body: MCPWire.request("tools/list")) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["code"] == -32600)
                #expect(Wire.object($0.body)["error"]?["message"]?.stringValue?.contains("Missing session") == true)
            }
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.sessionHeaders("0123456789abcdef0123456789abcdef", version: "2025-06-18"),
                body: MCPWire.request("tools/list")
            ) {
                #expect($0.status == .notFound)
                #expect(Wire.object($0.body)["error"]?["code"] == -32600)
            }
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.sessionHeaders(session, version: "2025-11-25"),
                body: MCPWire.request("tools/list")
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["message"]?.stringValue?.contains("2025-06-18") == true)
            }
            // Without MCP-Protocol-Version the session's own revision applies.
            try await client.execute(
                uri: "/mcp", method: .post, headers: HTTPFields(["mcp-session-id": session]), body: MCPWire.request("ping")
            ) { #expect($0.status == .ok) }
        }
    }

    @Test func notificationsAreAcceptedWithoutABody() async throws {
        try await mockApp().test(.router) { client in
            let session = try await MCPWire.openSession(client)
            for method in ["notifications/initialized", "notifications/cancelled"] {
                try await client.execute(
                    uri: "/mcp", method: .post, headers: MCPWire.sessionHeaders(session), body: MCPWire.notification(method)
                ) {
                    #expect($0.status == .accepted)
                    #expect($0.body.readableBytes == 0)
                }
            }
            // An id-less message outside notifications/ is a request without its id, not a notification.
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.sessionHeaders(session), body: MCPWire.notification("tools/list")
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"]?["code"] == -32600)
            }
            // A notification needs the session too.
            try await client.execute(
                uri: "/mcp", method: .post, headers: jsonHeaders, body: MCPWire.notification("notifications/initialized")
            ) { #expect($0.status == .badRequest) }
        }
    }

    @Test func deleteEndsTheSessionAndGetIsNotOffered() async throws {
        try await mockApp().test(.router) { client in
            let session = try await MCPWire.openSession(client)
            try await client.execute(uri: "/mcp", method: .get, headers: MCPWire.sessionHeaders(session)) {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow] == "POST, DELETE")
            }
            try await client.execute(uri: "/mcp", method: .delete, headers: jsonHeaders) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/mcp", method: .delete, headers: MCPWire.sessionHeaders(session)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(
                uri: "/mcp", method: .post, headers: MCPWire.sessionHeaders(session), body: MCPWire.request("ping")
            ) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/mcp", method: .delete, headers: MCPWire.sessionHeaders(session)) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test func unknownMethodsAndUnreadableBodiesAreJSONRPCErrors() async throws {
        try await mockApp().test(.router) { client in
            let session = try await MCPWire.openSession(client)
            let headers = MCPWire.sessionHeaders(session)
            // Unknown, or known only to the stateless revision: -32601 at HTTP 200 in this era.
            for method in ["tools/frobnicate", "server/discover"] {
                try await client.execute(uri: "/mcp", method: .post, headers: headers, body: MCPWire.request(method, id: 3)) {
                    #expect($0.status == .ok)
                    let json = Wire.object($0.body)
                    #expect(json["id"] == 3)
                    #expect(json["error"]?["code"] == -32601)
                    #expect(json["result"] == nil)
                }
            }
            try await client.execute(uri: "/mcp", method: .post, headers: headers, body: Wire.body("{\"jsonrpc\":\"2.0\",")) {
                #expect($0.status == .badRequest)
                let json = Wire.object($0.body)
                #expect(json["error"]?["code"] == -32700)
                #expect(json["id"] == .null)
            }
            for (body, id) in [
                (#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, JSONValue.null),
                (#"{"jsonrpc":"2.0","id":4,"method":"ping","params":[]}"#, 4),
                (#"{"jsonrpc":"1.0","id":"a","method":"ping"}"#, "a"),
                (#"{"jsonrpc":"2.0","id":5,"result":{}}"#, 5),
                (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, .null),
            ] {
                try await client.execute(uri: "/mcp", method: .post, headers: headers, body: Wire.body(body)) {
                    #expect($0.status == .badRequest, "\(body)")
                    let json = Wire.object($0.body)
                    #expect(json["error"]?["code"] == -32600, "\(body)")
                    #expect(json["id"] == id, "\(body)")
                }
            }
            // initialize without a protocolVersion: invalid params, and no session.
            try await client.execute(
                uri: "/mcp", method: .post, headers: jsonHeaders, body: MCPWire.request("initialize", params: ["capabilities": [:]])
            ) {
                #expect($0.status == .ok)
                #expect(Wire.object($0.body)["error"]?["code"] == -32602)
                #expect($0.headers[sessionHeader] == nil)
            }
        }
    }
}
