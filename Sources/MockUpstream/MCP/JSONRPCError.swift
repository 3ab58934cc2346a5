import HTTPTypes
import Support

/// A JSON-RPC 2.0 error the mock MCP server answers: code, message and optional data.
struct JSONRPCError: Error, Sendable, Equatable {
    /// The codes the mock uses: JSON-RPC's own and the MCP ones of revision 2026-07-28.
    enum Code: Int, Sendable {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
        /// 2026-07-28: an `MCP-Protocol-Version`, `Mcp-Method` or `Mcp-Name` header disagrees with the body.
        case headerMismatch = -32020
        /// 2026-07-28: the envelope names a revision the server does not speak.
        case unsupportedProtocolVersion = -32022
    }

    let code: Code
    let message: String
    var data: JSONValue? = nil

    static func invalidParams(_ message: String) -> JSONRPCError { .init(code: .invalidParams, message: message) }
    static func invalidRequest(_ message: String) -> JSONRPCError { .init(code: .invalidRequest, message: message) }

    static func methodNotFound(_ method: String) -> JSONRPCError {
        .init(code: .methodNotFound, message: "Method not found: \(method)")
    }

    /// The HTTP status that carries this error. A body that is not a readable request is a 400 in both
    /// eras. Otherwise the handshake era answers the JSON-RPC error at 200, and the stateless era maps
    /// codes to statuses as the official SDK does (`ERROR_CODE_HTTP_STATUS`): 404 for an unknown method,
    /// 400 for the other client faults.
    func status(in era: MCPRevision.Era) -> HTTPResponse.Status {
        switch code {
        case .parseError, .invalidRequest, .headerMismatch, .unsupportedProtocolVersion: .badRequest
        case .methodNotFound: era == .stateless ? .notFound : .ok
        case .invalidParams: era == .stateless ? .badRequest : .ok
        }
    }

    /// The JSON-RPC error response for the request `id` (`null` when the id could not be read).
    func response(id: JSONValue) -> JSONValue {
        var error: JSONValue = ["code": .integer(code.rawValue), "message": .string(message)]
        if let data { error["data"] = data }
        return ["jsonrpc": "2.0", "id": id, "error": error]
    }
}
