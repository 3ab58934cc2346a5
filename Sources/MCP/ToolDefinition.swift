import Core
import Crypto

/// One tool as an MCP server lists it, with the digest the gateway pins: SHA-256 (hex) of the canonical
/// JSON of every member except `_meta` (name, title, description, input and output schema, annotations,
/// icons...). Anything a client or a model reads about the tool is covered, so a changed word is a changed tool.
public struct ToolDefinition: Sendable, Hashable {
    public let name: String
    public let definition: JSONValue
    public let hash: String
    public let annotations: MCPTarget.Annotations

    /// Reads one entry of a `tools/list` result; nil when it is not a tool object with a name.
    public init?(_ value: JSONValue) {
        guard case .object(var members) = value, let name = members["name"]?.stringValue, !name.isEmpty else { return nil }
        self.name = name
        self.definition = value
        members["_meta"] = nil
        self.hash = Self.digest(.object(members))
        let hints = value["annotations"]?.objectValue ?? [:]
        // MCP's defaults for absent hints (a hint of the wrong type counts as absent). A read-only tool modifies
        // nothing, so it is neither destructive nor (meaningfully) idempotent: those hints apply to writers only.
        let readOnly = hints["readOnlyHint"]?.boolValue ?? false
        self.annotations = MCPTarget.Annotations(
            readOnly: readOnly, destructive: !readOnly && (hints["destructiveHint"]?.boolValue ?? true),
            idempotent: readOnly || (hints["idempotentHint"]?.boolValue ?? false), openWorld: hints["openWorldHint"]?.boolValue ?? true)
    }

    public static func digest(_ value: JSONValue) -> String { Hex.encode(SHA256.hash(data: value.serialized())) }

    /// The texts of the definition a model or person reads (description, title, schema descriptions, enum
    /// values...): every string in it, for the poisoning scan.
    public var texts: [String] {
        var out: [String] = []
        Self.collect(definition, into: &out)
        return out
    }

    private static func collect(_ value: JSONValue, into out: inout [String]) {
        switch value {
        case .string(let s): out.append(s)
        case .array(let items): for item in items { collect(item, into: &out) }
        case .object(let members): for key in members.keys.sorted() { out.append(key); collect(members[key]!, into: &out) }
        case .null, .bool, .integer, .number: break
        }
    }
}
