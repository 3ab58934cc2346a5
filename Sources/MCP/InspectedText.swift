import Core

/// Which strings of an MCP message the guardrails read: every string anywhere — arguments, results, prompts,
/// resources, notifications, the server's requests and the client's answers — except these, each declared by
/// its position in the protocol, never by its key name alone (a tool's own argument called `type` or `data` is
/// text like any other):
/// - protocol enumerations, by value: `type` of a content block (`text`, `image`, `audio`, `resource`,
///   `resource_link`), `role` (`user`, `assistant`), `resultType` (`complete`, `input_required`), and `mimeType`
///   when it is a plain media type — a value outside these is inspected;
/// - binary payloads, by position: `data` of an `image` or `audio` content block and `blob` of a resource
///   contents object (one with a `uri`): base64, forwarded uninspected, or refused when the server's
///   `binary_content` is `refuse`;
/// - `requestState` (stateless revision): the server's opaque state, echoed back to it verbatim — read by no model
///   or person, and held to the principal it was relayed to (a caller cannot present another's).
/// Inside free-form values — `arguments`, `structuredContent`, `_meta` — nothing is exempt.
public enum InspectedText {
    static let contentTypes: Set<String> = ["text", "image", "audio", "resource", "resource_link"]
    static let roles: Set<String> = ["user", "assistant"]
    static let resultTypes: Set<String> = ["complete", "input_required"]
    static let freeForm: Set<String> = ["arguments", "structuredContent", "_meta"]

    public struct Leaf: Sendable {
        public var location: JSONLocation
        public var text: String
    }

    /// The text leaves of `value` (at `location` within its message), in document order (members sorted).
    public static func leaves(of value: JSONValue, at location: JSONLocation) -> [Leaf] {
        var out: [Leaf] = []
        collect(value, location, freeForm: false, &out)
        return out
    }

    /// Whether `value` holds a binary payload in a declared binary position.
    public static func hasBinary(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            members.contains { key, member in (member.stringValue != nil && isBinary(key, in: members)) || hasBinary(member) }
        case .array(let items): items.contains(where: hasBinary)
        case .null, .bool, .integer, .number, .string: false
        }
    }

    private static func collect(_ value: JSONValue, _ location: JSONLocation, freeForm: Bool, _ out: inout [Leaf]) {
        switch value {
        case .string(let s): if !s.isEmpty { out.append(Leaf(location: location, text: s)) }
        case .array(let items):
            for (i, item) in items.enumerated() { collect(item, location.appending(index: i), freeForm: freeForm, &out) }
        case .object(let members):
            for key in members.keys.sorted() {
                let member = members[key]!
                if !freeForm, let text = member.stringValue, isExempt(key, text, in: members) { continue }
                collect(member, location.appending(key: key), freeForm: freeForm || Self.freeForm.contains(key), &out)
            }
        case .null, .bool, .integer, .number: break
        }
    }

    private static func isExempt(_ key: String, _ text: String, in members: [String: JSONValue]) -> Bool {
        switch key {
        case "type": contentTypes.contains(text)
        case "role": roles.contains(text)
        case "resultType": resultTypes.contains(text)
        case "mimeType": isMediaType(text)
        case "requestState": true
        case "data", "blob": isBinary(key, in: members)
        default: false
        }
    }

    private static func isBinary(_ key: String, in members: [String: JSONValue]) -> Bool {
        switch key {
        case "data": members["type"]?.stringValue == "image" || members["type"]?.stringValue == "audio"
        case "blob": members["uri"]?.stringValue != nil
        default: false
        }
    }

    /// `type/subtype`, lower-case token characters only, at most 100 bytes: nothing a value could hide in.
    static func isMediaType(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard text.utf8.count <= 100, parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D }
        }
    }
}
