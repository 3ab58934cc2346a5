import Core

/// The stateless revision's `Mcp-Param-<token>` headers: a tool's input schema may mark a property with
/// `x-mcp-header`, and a call then mirrors that argument into a header. The gateway never forwards a caller's
/// `Mcp-Param-*` headers (they could carry what the arguments' redaction removed); it writes them again
/// from the arguments as forwarded and the pinned schema. Only properties reached through a chain of
/// `properties` keys count, as in the specification; string, integer and boolean values are mirrored.
public enum ParameterHeaders {
    public static let prefix = "mcp-param-"

    public static func headers(schema: JSONValue?, arguments: JSONValue?) -> [(String, String)] {
        guard let schema, let arguments else { return [] }
        var out: [(String, String)] = []
        walk(schema, path: [], arguments: arguments, into: &out)
        return out
    }

    private static func walk(_ schema: JSONValue, path: [String], arguments: JSONValue, into out: inout [(String, String)]) {
        guard path.count <= 16, let properties = schema["properties"]?.objectValue else { return }
        for name in properties.keys.sorted() {
            let property = properties[name]!
            let here = path + [name]
            if let token = property["x-mcp-header"]?.stringValue, !token.isEmpty, token.utf8.allSatisfy(isTokenByte),
                let rendered = render(value(at: here, in: arguments))
            {
                out.append(("Mcp-Param-\(token)", StatelessEnvelope.encodeHeaderValue(rendered)))
            }
            walk(property, path: here, arguments: arguments, into: &out)
        }
    }

    private static func value(at path: [String], in arguments: JSONValue) -> JSONValue? {
        var node: JSONValue? = arguments
        for key in path { node = node?[key] }
        return node
    }

    private static func render(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: s
        case .integer(let i)?: String(i)
        case .bool(let b)?: b ? "true" : "false"
        case .number(let d)? where d.rounded() == d && abs(d) < 9.0e15: String(Int(d))
        case .none, .null?, .number?, .array?, .object?: nil
        }
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }
}
