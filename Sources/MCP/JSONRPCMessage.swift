import Core

/// One JSON-RPC 2.0 message of MCP, parsed straight from its bytes (Support's strict `JSONParser`: duplicate
/// members, invalid UTF-8 and deep nesting refused) and checked as an envelope: a request, a notification,
/// a result or an error — never a batch (MCP since 2025-06-18 has none). Hand-written because the Swift MCP SDK
/// of the mirror speaks only older revisions and buffers on Linux; the envelope is small and fully declared.
public struct JSONRPCMessage: Sendable {
    public enum Kind: Sendable, Equatable {
        case request(id: JSONValue, method: String)
        case notification(method: String)
        case result(id: JSONValue)
        case error(id: JSONValue)
    }

    /// The members an envelope may have; any other is refused.
    static let members: Set<String> = ["jsonrpc", "id", "method", "params", "result", "error"]
    /// Deepest nesting accepted in a message (arguments and results included).
    public static let maximumDepth = 64

    public let kind: Kind
    /// The whole message.
    public var body: JSONValue

    public var method: String? {
        switch kind {
        case .request(_, let method), .notification(let method): method
        case .result, .error: nil
        }
    }

    public var id: JSONValue? {
        switch kind {
        case .request(let id, _), .result(let id), .error(let id): id
        case .notification: nil
        }
    }

    public var params: JSONValue? { body["params"] }
    public var result: JSONValue? { body["result"] }

    public init(kind: Kind, body: JSONValue) {
        self.kind = kind
        self.body = body
    }

    /// Parses and checks one message. `limit` bounds its size in bytes.
    public static func parse(_ bytes: [UInt8], limit: Int) throws(JSONRPCFailure) -> JSONRPCMessage {
        guard bytes.count <= limit else { throw JSONRPCFailure(.invalidRequest, "The message is larger than \(limit) bytes.") }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes, maxDepth: maximumDepth) } catch {
            throw JSONRPCFailure(.parseError, "The body is not valid JSON (at byte \(error.offset)), or nests deeper than \(maximumDepth).")
        }
        return try envelope(value)
    }

    /// Checks a parsed value as a JSON-RPC 2.0 envelope.
    public static func envelope(_ value: JSONValue) throws(JSONRPCFailure) -> JSONRPCMessage {
        guard case .object(let o) = value else {
            if case .array = value { throw JSONRPCFailure(.invalidRequest, "Batches are not part of MCP: send one JSON-RPC message per request.") }
            throw JSONRPCFailure(.invalidRequest, "A JSON-RPC message is a JSON object.")
        }
        guard o["jsonrpc"]?.stringValue == "2.0" else { throw JSONRPCFailure(.invalidRequest, "'jsonrpc' must be \"2.0\".") }
        if let unknown = o.keys.sorted().first(where: { !members.contains($0) }) {
            throw JSONRPCFailure(.invalidRequest, "Unknown member '\(unknown)' in the JSON-RPC envelope.")
        }
        if let params = o["params"], params.objectValue == nil {
            throw JSONRPCFailure(.invalidRequest, "'params' must be an object.")
        }
        let id = o["id"]
        if let id { try checkID(id, nullAllowed: o["error"] != nil) }
        switch (o["method"], o["result"], o["error"]) {
        case (let method?, nil, nil):
            guard let name = method.stringValue, !name.isEmpty else { throw JSONRPCFailure(.invalidRequest, "'method' must be a non-empty string.") }
            if let id { return JSONRPCMessage(kind: .request(id: id, method: name), body: value) }
            return JSONRPCMessage(kind: .notification(method: name), body: value)
        case (nil, let result?, nil):
            guard let id, id != .null else { throw JSONRPCFailure(.invalidRequest, "A result needs the 'id' of its request.") }
            guard result.objectValue != nil else { throw JSONRPCFailure(.invalidRequest, "'result' must be an object.") }
            guard o["params"] == nil else { throw JSONRPCFailure(.invalidRequest, "A result has no 'params'.") }
            return JSONRPCMessage(kind: .result(id: id), body: value)
        case (nil, nil, let error?):
            guard let e = error.objectValue, e["code"]?.intValue != nil, e["message"]?.stringValue != nil else {
                throw JSONRPCFailure(.invalidRequest, "'error' must be an object with an integer 'code' and a 'message'.")
            }
            guard o["params"] == nil else { throw JSONRPCFailure(.invalidRequest, "An error has no 'params'.") }
            return JSONRPCMessage(kind: .error(id: id ?? .null), body: value)
        default:
            throw JSONRPCFailure(.invalidRequest, "A JSON-RPC message has exactly one of 'method', 'result' or 'error'.")
        }
    }

    private static func checkID(_ id: JSONValue, nullAllowed: Bool) throws(JSONRPCFailure) {
        switch id {
        case .string, .integer: return
        case .number(let d) where d.rounded() == d && abs(d) < 9.0e15: return
        case .null where nullAllowed: return
        case .null, .bool, .number, .array, .object:
            throw JSONRPCFailure(.invalidRequest, "'id' must be a string or an integer.")
        }
    }
}
