import Core
import Testing
@testable import MCP

@Suite("JSON-RPC envelopes")
struct JSONRPCMessageTests {
    static func parse(_ text: String) throws(JSONRPCFailure) -> JSONRPCMessage {
        try JSONRPCMessage.parse(Array(text.utf8), limit: 1 << 20)
    }

    @Test func kinds() throws {
        #expect(try Self.parse(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).kind == .request(id: .integer(1), method: "tools/list"))
        #expect(try Self.parse(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).kind == .notification(method: "notifications/initialized"))
        #expect(try Self.parse(#"{"jsonrpc":"2.0","id":"a","result":{}}"#).kind == .result(id: .string("a")))
        #expect(try Self.parse(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#).kind == .error(id: .null))
    }

    @Test(arguments: [
        (#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, JSONRPCFailure.Code.invalidRequest),   // batch
        (#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, .invalidRequest),
        (#"{"jsonrpc":"2.0","id":1,"method":"ping","extra":1}"#, .invalidRequest),               // undeclared member
        (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, .invalidRequest),
        (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, .invalidRequest),
        (#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#, .invalidRequest),
        (#"{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}"#, .invalidRequest),
        (#"{"jsonrpc":"2.0","id":1,"result":{},"params":{}}"#, .invalidRequest),
        (#"{"jsonrpc":"2.0","id":1,"error":{"message":"no code"}}"#, .invalidRequest),
        (#"{"jsonrpc":"2.0","id":1,"method":"a","method":"b"}"#, .parseError),                 // duplicate member
        (#"{"jsonrpc":"2.0","id":1,"method":"ping""#, .parseError),
    ])
    func refused(_ text: String, _ code: JSONRPCFailure.Code) {
        #expect(throws: JSONRPCFailure.self) { try Self.parse(text) }
        do { _ = try Self.parse(text) } catch { #expect(error.code == code) }
    }

    @Test func boundedInSizeAndDepth() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONRPCFailure.self) { try Self.parse(#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":\#(deep)}}"#) }
        let big = Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8)
        #expect(throws: JSONRPCFailure.self) { try JSONRPCMessage.parse(big, limit: 10) }
    }

    @Test func declaredParameters() throws {
        #expect(throws: JSONRPCFailure.self) { try ClientMethod.toolsCall.check(.object(["name": .string("x"), "smuggled": .bool(true)])) }
        #expect(throws: JSONRPCFailure.self) { try ClientMethod.toolsCall.check(.object(["arguments": .object([:])])) }
        #expect(throws: JSONRPCFailure.self) { try ClientMethod.toolsCall.check(.object(["name": .string("x"), "arguments": .array([])])) }
        try ClientMethod.toolsCall.check(.object(["name": .string("x"), "arguments": .object([:]), "_meta": .object([:])]))
        #expect(ClientMethod(rawValue: "tasks/get") == nil)
        #expect(ClientMethod.resourcesTemplatesList.handling == .governed(.resourcesList))
    }

    @Test func errorMessages() {
        let failure = JSONRPCFailure(.forbidden, "Refused by policy.", reason: "forbidden")
        let message = failure.message(id: .integer(7))
        #expect(message["error"]?["code"] == .integer(-32003))
        #expect(message["error"]?["data"]?["reason"] == .string("forbidden"))
        #expect(JSONRPCFailure(.headerMismatch, "x").statelessStatus == 400)
        #expect(JSONRPCFailure(.methodNotFound, "x").statelessStatus == 404)
    }
}
