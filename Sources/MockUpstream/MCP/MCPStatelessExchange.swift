import HTTPTypes
import Hummingbird
import Support

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The stateless revision 2026-07-28: no session; every request carries its revision and the client's
/// capabilities in `params._meta`, and repeats its routing facts in headers that must equal the body.
/// The checks run in the official SDK's order (`mcp/shared/inbound.py`), first failure wins:
///
/// 1. no routing header (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`) twice → `-32020`;
/// 2. `params._meta` an object with `io.modelcontextprotocol/protocolVersion` and
///    `io.modelcontextprotocol/clientCapabilities` → else `-32602`;
/// 3. `MCP-Protocol-Version` = the envelope's revision, `Mcp-Method` = `method`, and for `tools/call` and
///    `prompts/get` `Mcp-Name` = `params.name`, for `resources/read` = `params.uri` (a `=?base64?…?=`
///    value decoded first) → else `-32020`;
/// 4. the envelope's revision a string this server speaks statelessly → else `-32602` / `-32022`.
///
/// Then an unknown method (or one this revision removed: `initialize`, `ping`) is `-32601`. Errors travel
/// at the SDK's statuses (`JSONRPCError.status(in:)`): 404 for `-32601`, 400 for the others.
/// Notifications get 202 when the header names a revision spoken here.
extension MockMCPServer {
    static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"

    func statelessAnswer(_ message: JSONRPCMessage, headers: HTTPFields, versionHeader: String) -> Response {
        switch message {
        case .notification:
            guard let revision = MCPRevision(rawValue: versionHeader), revision.era == .stateless else {
                return MCPAnswer.error(Self.unsupported(versionHeader), id: .null, era: .stateless)
            }
            return MCPAnswer.accepted()
        case .request(let request):
            do throws(JSONRPCError) {
                let revision = try Self.checkEnvelope(request, headers: headers)
                guard let method = MCPMethod(rawValue: request.method), method.exists(in: .stateless) else {
                    throw JSONRPCError.methodNotFound(request.method)
                }
                return MCPAnswer.result(try answer(method, request, revision: revision), id: request.id)
            } catch {
                return MCPAnswer.error(error, id: request.id, era: .stateless)
            }
        }
    }

    /// Steps 1–4 above; the revision the request is answered in.
    static func checkEnvelope(_ request: JSONRPCRequest, headers: HTTPFields) throws(JSONRPCError) -> MCPRevision {
        for name in [HTTPField.Name.mcpProtocolVersion, .mcpMethod, .mcpName] where headers[values: name].count > 1 {
            throw mismatch("\(name.canonicalName) header appears more than once")
        }
        guard case .object(let meta)? = request.params["_meta"] else {
            throw .invalidParams("params._meta must be an object carrying '\(protocolVersionKey)' and '\(clientCapabilitiesKey)'")
        }
        let missing = [protocolVersionKey, clientCapabilitiesKey].filter { meta[$0] == nil }
        guard missing.isEmpty else {
            throw .invalidParams("params._meta is missing the required envelope key(s): \(missing.joined(separator: ", "))")
        }
        let version = meta[protocolVersionKey]
        guard let header = headers[.mcpProtocolVersion], version == .string(header) else {
            throw mismatch("mcp-protocol-version header does not match the request envelope's protocol version")
        }
        guard headers[.mcpMethod] == request.method else {
            throw mismatch("mcp-method header does not match the request body's method")
        }
        if let key = MCPMethod.nameParameter(of: request.method), let value = request.params[key], value != .null {
            guard let named = headers[.mcpName].flatMap(decodeHeaderValue), value == .string(named) else {
                throw mismatch("mcp-name header does not match the request body's '\(key)' parameter")
            }
        }
        guard let requested = version?.stringValue else {
            throw .invalidParams("the protocol-version envelope value must be a string")
        }
        guard let revision = MCPRevision(rawValue: requested), revision.era == .stateless else {
            throw unsupported(requested)
        }
        return revision
    }

    static func mismatch(_ message: String) -> JSONRPCError { .init(code: .headerMismatch, message: message) }

    static func unsupported(_ requested: String) -> JSONRPCError {
        .init(
            code: .unsupportedProtocolVersion, message: "Unsupported protocol version",
            data: ["supported": .array(MCPRevision.statelessNames.map { .string($0) }), "requested": .string(requested)])
    }

    /// A header value as the client wrote it: verbatim, or the UTF-8 text inside a `=?base64?…?=` sentinel
    /// (how clients send values that are not plain printable ASCII). A malformed or non-canonical sentinel
    /// is nil, so it never matches a body value by accident.
    static func decodeHeaderValue(_ value: String) -> String? {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let payload = String(value.dropFirst(9).dropLast(2))
        guard let bytes = Data(base64Encoded: payload), bytes.base64EncodedString() == payload else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
