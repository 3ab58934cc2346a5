import Core

/// A JSON-RPC error the gateway answers with: the standard codes, MCP's, and the gateway's own in the
/// implementation-defined range (-32000…-32099), each with `data.reason` naming the control.
public struct JSONRPCFailure: Error, Sendable, Equatable {
    public enum Code: Int, Sendable, Equatable {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
        case internalError = -32603
        /// The stateless revision: a routing header disagrees with the body (MCP 2026-07-28).
        case headerMismatch = -32020
        /// The stateless revision: a protocol version the gateway does not serve.
        case unsupportedProtocolVersion = -32022
        /// Gateway: refused by policy (`data.reason` = `forbidden`).
        case forbidden = -32003
        /// Gateway: stopped by a guardrail (`guardrail_blocked`).
        case guardrailBlocked = -32004
        /// Gateway: a tool definition that is not the pinned one (`tool_definition_changed`, `tool_not_approved`).
        case toolIntegrity = -32005
        /// Gateway: a rate limit or call budget (`rate_limited`, `budget_exhausted`).
        case limited = -32006
        /// Gateway: the MCP server failed or could not be reached (`upstream_error`).
        case upstream = -32010
        /// Gateway: a control could not run, so the call failed closed (`control_unavailable`).
        case controlUnavailable = -32011
    }

    public var code: Code
    public var message: String
    /// `data.reason` (and any other `data` members).
    public var data: [String: JSONValue]

    public init(_ code: Code, _ message: String, reason: String? = nil, data: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        var data = data
        if let reason { data["reason"] = .string(reason) }
        self.data = data
    }

    /// The HTTP status the stateless revision gives this code; the handshake revisions answer JSON-RPC errors
    /// of a parsed request with 200, envelope failures with 400.
    public var statelessStatus: Int {
        switch code {
        case .parseError, .invalidRequest, .invalidParams, .headerMismatch, .unsupportedProtocolVersion: 400
        case .methodNotFound: 404
        case .internalError, .forbidden, .guardrailBlocked, .toolIntegrity, .limited, .upstream, .controlUnavailable: 200
        }
    }

    /// The error message for request `id` (null when the request's id could not be read).
    public func message(id: JSONValue?) -> JSONValue {
        var error: [String: JSONValue] = ["code": .integer(code.rawValue), "message": .string(message)]
        if !data.isEmpty { error["data"] = .object(data) }
        return .object(["jsonrpc": .string("2.0"), "id": id ?? .null, "error": .object(error)])
    }
}
