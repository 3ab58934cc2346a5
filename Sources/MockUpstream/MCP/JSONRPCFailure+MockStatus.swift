import HTTPTypes
import MCP

/// How the mock MCP server carries a JSON-RPC error (the MCP target's `JSONRPCFailure`) over HTTP.
extension JSONRPCFailure {
    /// A method the mock does not answer, at all or in the request's revision (`-32601`).
    static func unknownMethod(_ method: String) -> JSONRPCFailure {
        JSONRPCFailure(.methodNotFound, "Method not found: \(method)")
    }

    /// The HTTP status that carries this error. The stateless revision maps codes as the official SDK does
    /// (`statelessStatus`: 404 for an unknown method, 400 for the other client faults). The handshake era
    /// answers a body that is not a readable message at 400 and the JSON-RPC error of a readable request
    /// at 200.
    func status(stateless: Bool) -> HTTPResponse.Status {
        if stateless { return HTTPResponse.Status(code: statelessStatus) }
        switch code {
        case .parseError, .invalidRequest, .headerMismatch, .unsupportedProtocolVersion:
            return .badRequest
        case .methodNotFound, .invalidParams, .internalError, .forbidden, .guardrailBlocked, .toolIntegrity, .limited,
            .upstream, .controlUnavailable:
            return .ok
        }
    }
}
