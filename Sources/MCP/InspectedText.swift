import Core

/// Which strings of an MCP message the guardrails read. Everything a model or a person may read is text:
/// every string anywhere in arguments, results, prompts, resources, notifications and server requests,
/// except the members declared here, which are not text:
/// - structural members whose values the protocol enumerates (`type`, `mimeType`, `role`): a placeholder in
///   them would break the message, and they carry no free text;
/// - binary payloads (`data` of image and audio content, `blob` of resources): base64, not text. They are
///   forwarded uninspected, or refused when the server's `binary_content` is `refuse`;
/// - `requestState` (stateless revision): the server's opaque state, echoed back to it verbatim — read by no
///   model or person, and held to the principal it was relayed to (a caller cannot present another's).
public enum InspectedText {
    public static let structural: Set<String> = ["type", "mimeType", "role", "resultType", "requestState"]
    public static let binary: Set<String> = ["data", "blob"]

    public struct Leaf: Sendable {
        public var location: JSONLocation
        public var text: String
    }

    /// The text leaves of `value` (at `location` within its message), in document order (members sorted).
    public static func leaves(of value: JSONValue, at location: JSONLocation) -> [Leaf] {
        var out: [Leaf] = []
        collect(value, location, &out)
        return out
    }

    /// Whether `value` holds a binary payload anywhere.
    public static func hasBinary(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): members.contains { binary.contains($0.key) && $0.value.stringValue != nil || hasBinary($0.value) }
        case .array(let items): items.contains(where: hasBinary)
        case .null, .bool, .integer, .number, .string: false
        }
    }

    private static func collect(_ value: JSONValue, _ location: JSONLocation, _ out: inout [Leaf]) {
        switch value {
        case .string(let s): if !s.isEmpty { out.append(Leaf(location: location, text: s)) }
        case .array(let items):
            for (i, item) in items.enumerated() { collect(item, location.appending(index: i), &out) }
        case .object(let members):
            for key in members.keys.sorted() {
                let member = members[key]!
                if case .string = member, structural.contains(key) || binary.contains(key) { continue }
                collect(member, location.appending(key: key), &out)
            }
        case .null, .bool, .integer, .number: break
        }
    }
}
