import Hummingbird
import Support

/// One JSON-RPC 2.0 message POSTed to `/mcp`: a request (it has an `id`) or a notification (it has none).
///
/// The envelope is read strictly: one object (no batch: MCP removed batching in 2025-06-18), `jsonrpc`
/// exactly `"2.0"`, a string `method`, an integer or string `id`, `params` absent or an object, and no
/// other member (a posted response or an unknown member is refused, never guessed at).
enum JSONRPCMessage: Sendable {
    case request(JSONRPCRequest)
    case notification(method: String)

    /// A body that is not a readable message: the error to answer, and the request id when it was readable.
    struct Refusal: Error, Sendable {
        let id: JSONValue
        let error: JSONRPCError
    }

    static let envelopeMembers: Set<String> = ["jsonrpc", "id", "method", "params"]

    static func read(_ body: ByteBuffer) throws(Refusal) -> JSONRPCMessage {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(body.readableBytesView))
        } catch {
            throw Refusal(id: .null, error: .init(code: .parseError, message: "Parse error: the body is not JSON"))
        }
        guard case .object(let members) = value else {
            throw Refusal(id: .null, error: .invalidRequest("the body must be one JSON-RPC request or notification object"))
        }
        // The id, when it is a valid one: an integer or a string.
        let id: JSONValue? = switch members["id"] {
        case .integer(let number)?: .integer(number)
        case .string(let text)?: .string(text)
        case .null?, .bool?, .number?, .array?, .object?, nil: nil
        }
        func refuse(_ message: String) -> Refusal { Refusal(id: id ?? .null, error: .invalidRequest(message)) }
        if let unknown = members.keys.filter({ !envelopeMembers.contains($0) }).sorted().first {
            throw refuse("unknown member '\(unknown)' in a JSON-RPC message (a response is never POSTed to a server)")
        }
        guard members["jsonrpc"] == "2.0" else { throw refuse("jsonrpc must be \"2.0\"") }
        guard let method = members["method"]?.stringValue else { throw refuse("method must be a string") }
        let params: [String: JSONValue]
        switch members["params"] {
        case nil: params = [:]
        case .object(let object)?: params = object
        case .null?, .bool?, .number?, .integer?, .string?, .array?: throw refuse("params must be an object")
        }
        if let id { return .request(JSONRPCRequest(id: id, method: method, params: params)) }
        guard members["id"] == nil else { throw refuse("id must be an integer or a string") }
        return .notification(method: method)
    }
}

/// A JSON-RPC request: its id (an integer or a string), method and params (`{}` when absent).
struct JSONRPCRequest: Sendable {
    let id: JSONValue
    let method: String
    let params: [String: JSONValue]
}
