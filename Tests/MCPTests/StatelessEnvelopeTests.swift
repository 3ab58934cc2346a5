import Core
import Testing
@testable import MCP

@Suite("Stateless revision headers")
struct StatelessEnvelopeTests {
    static func call(method: String = "tools/call", name: String = "search") throws -> JSONRPCMessage {
        let meta: JSONValue = .object([
            ProtocolRevision.metaVersionKey: .string("2026-07-28"), ProtocolRevision.metaCapabilitiesKey: .object([:]),
        ])
        return try JSONRPCMessage.envelope(.object([
            "jsonrpc": .string("2.0"), "id": .integer(1), "method": .string(method),
            "params": .object(["name": .string(name), "_meta": meta]),
        ]))
    }

    static let good = [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call"), ("mcp-name", "search")]

    @Test func matchingHeadersPass() throws {
        #expect(try StatelessEnvelope.check(Self.call(), headers: Self.good) == .stateless2026)
        let encoded = [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call"), ("mcp-name", StatelessEnvelope.encodeHeaderValue("café"))]
        #expect(try StatelessEnvelope.check(Self.call(name: "café"), headers: encoded) == .stateless2026)
    }

    @Test(arguments: [
        [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/list"), ("mcp-name", "search")],   // method
        [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call"), ("mcp-name", "delete")],   // name
        [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call")],                           // name missing
        [("mcp-protocol-version", "2025-11-25"), ("mcp-method", "tools/call"), ("mcp-name", "search")],   // version
        [("mcp-method", "tools/call"), ("mcp-name", "search")],                                           // version missing
        [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call"), ("mcp-name", "search"), ("mcp-name", "other")], // twice
        [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call"), ("mcp-name", "=?base64?!!?=")], // bad encoding
    ])
    func mismatchIsRefused(_ headers: [(String, String)]) throws {
        let message = try Self.call()
        do {
            _ = try StatelessEnvelope.check(message, headers: headers)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .headerMismatch)
        }
    }

    @Test func unsupportedRevision() throws {
        let meta: JSONValue = .object([ProtocolRevision.metaVersionKey: .string("2027-01-01"), ProtocolRevision.metaCapabilitiesKey: .object([:])])
        let message = try JSONRPCMessage.envelope(.object(["jsonrpc": .string("2.0"), "id": .integer(1), "method": .string("tools/list"), "params": .object(["_meta": meta])]))
        do {
            _ = try StatelessEnvelope.check(message, headers: [("mcp-protocol-version", "2027-01-01"), ("mcp-method", "tools/list")])
            Issue.record("accepted")
        } catch {
            #expect(error.code == .unsupportedProtocolVersion)
        }
    }

    @Test func parameterHeadersComeFromThePinnedSchema() {
        let schema: JSONValue = .object(["type": .string("object"), "properties": .object([
            "region": .object(["type": .string("string"), "x-mcp-header": .string("Region")]),
            "limit": .object(["type": .string("integer"), "x-mcp-header": .string("Limit")]),
            "filter": .object(["type": .string("object"), "properties": .object([
                "owner": .object(["type": .string("string"), "x-mcp-header": .string("Owner")]),
            ])]),
            "text": .object(["type": .string("string")]),
        ])])
        let headers = ParameterHeaders.headers(schema: schema, arguments: .object([
            "region": .string("ap-southeast-1"), "limit": .integer(5), "filter": .object(["owner": .string("Zoë")]), "text": .string("secret"),
        ]))
        // Only annotated properties, nested ones through `properties` chains included; never the free text.
        #expect(Set(headers.map(\.0)) == ["Mcp-Param-Owner", "Mcp-Param-Limit", "Mcp-Param-Region"])
        #expect(headers.first { $0.0 == "Mcp-Param-Owner" }?.1 == StatelessEnvelope.encodeHeaderValue("Zoë"))
        #expect(StatelessEnvelope.decodeHeaderValue(StatelessEnvelope.encodeHeaderValue("Zoë")) == "Zoë")
        #expect(headers.first { $0.0 == "Mcp-Param-Limit" }?.1 == "5")
    }
}
