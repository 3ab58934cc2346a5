import HTTPTypes
import Hummingbird
import MCP
import Support

/// The HTTP answers of the mock MCP server. JSON-RPC answers are `application/json` (the mock never opens
/// an event stream), written by the one canonical JSON writer.
enum MCPAnswer {
    static func result(_ result: JSONValue, id: JSONValue, headers: HTTPFields = [:]) -> Response {
        json(["jsonrpc": "2.0", "id": id, "result": result], status: .ok, headers: headers)
    }

    /// A JSON-RPC error for request `id` (`null` when the id could not be read), at the status of its era.
    static func error(_ failure: JSONRPCFailure, id: JSONValue?, stateless: Bool, headers: HTTPFields = [:]) -> Response {
        json(failure.message(id: id), status: failure.status(stateless: stateless), headers: headers)
    }

    /// A JSON-RPC response POSTed to the mock: refused (`-32600`), as it answers nothing — the mock sends
    /// the client no requests.
    static func postedResponse(id: JSONValue) -> Response {
        error(
            JSONRPCFailure(
                .invalidRequest, "A JSON-RPC response is never POSTed to this server: it sends the client no requests."),
            id: id, stateless: false)
    }

    /// A refusal at the HTTP level (missing or unknown session, wrong method, body too large), with a
    /// JSON-RPC error body as the official SDK's transport writes one.
    static func refusal(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(JSONRPCFailure(.invalidRequest, message).message(id: nil), status: status, headers: headers)
    }

    /// The answer to a notification: 202, no body.
    static func accepted() -> Response { Response(status: .accepted) }

    /// 401 as a bearer-token resource server answers it (RFC 6750): `WWW-Authenticate` names the scheme,
    /// and the error when a token was given but is not the expected one. The token is never echoed.
    static func unauthorised(tokenGiven: Bool) -> Response {
        let description = "a Bearer token is required on /mcp"
        var challenge = "Bearer realm=\"portcullis-mock-mcp\""
        var body: JSONValue = ["error": "invalid_request", "error_description": .string(description)]
        if tokenGiven {
            challenge += ", error=\"invalid_token\", error_description=\"the token is not the expected one\""
            body = ["error": "invalid_token", "error_description": "the token is not the expected one"]
        }
        return json(body, status: .unauthorized, headers: [.wwwAuthenticate: challenge])
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }
}

extension HTTPField.Name {
    static let mcpSessionID = HTTPField.Name("Mcp-Session-Id")!
    static let mcpProtocolVersion = HTTPField.Name(StatelessEnvelope.versionHeader)!
}
