import Core

import struct Foundation.Date

/// The Cedar side of an MCP call (see `PolicyRequestMapping` for the principal and the common context):
/// - `MCPServer::"<server>"` {name} — the resource of `tools/list`, `resources/list`, `prompts/list`;
/// - `Tool::"<server>/<name>"` {server, name, definition_hash, read_only, destructive, idempotent, open_world},
///   a child of its `MCPServer` — the resource of `tools/call` (annotations as pinned: declared by the server,
///   untrusted, held fixed by the pin);
/// - `MCPResource::"<server>/<uri>"` {server, uri} and `Prompt::"<server>/<name>"` {server, name}, children of
///   their server;
/// - context {server, method, listing, arguments?}: `listing` is true when the gateway asks whether a tool or
///   prompt may be shown in a list (then there are no `arguments`), false for a call.
enum MCPEntityMapping {
    /// Deepest argument nesting given to policies; deeper values are left out of `context.arguments`.
    static let maximumArgumentDepth = 16

    static func F(_ name: String, _ value: Value) -> CedarRecord.Field { CedarRecord.Field(name: name, value: value) }

    static func entity(for target: MCPTarget, entities: EntityStore) -> Entity {
        let server = EntityUID(type: "MCPServer", id: target.server)
        let uid: EntityUID
        var attributes: [CedarRecord.Field]
        switch target.kind {
        case .server:
            uid = server
            attributes = [F("name", .string(target.server))]
        case .tool:
            uid = EntityUID(type: "Tool", id: "\(target.server)/\(target.name)")
            let a = target.annotations ?? MCPTarget.Annotations()
            attributes = [
                F("server", .string(target.server)), F("name", .string(target.name)),
                F("definition_hash", .string(target.definitionHash ?? "")), F("read_only", .bool(a.readOnly)),
                F("destructive", .bool(a.destructive)), F("idempotent", .bool(a.idempotent)), F("open_world", .bool(a.openWorld)),
            ]
        case .resource:
            uid = EntityUID(type: "MCPResource", id: "\(target.server)/\(target.name)")
            attributes = [F("server", .string(target.server)), F("uri", .string(target.name))]
        case .prompt:
            uid = EntityUID(type: "Prompt", id: "\(target.server)/\(target.name)")
            attributes = [F("server", .string(target.server)), F("name", .string(target.name))]
        }
        let configured = entities[uid]
        var parents = configured?.parents ?? []
        if target.kind != .server { parents.append(server) }
        var ancestors = parents
        for parent in parents { ancestors += entities.ancestors(of: parent) }
        return Entity(uid: uid, attributes: CedarRecord(uniqueFields: attributes), parents: parents, ancestors: ancestors)
    }

    static func context(for target: MCPTarget, operation: Operation) -> [CedarRecord.Field] {
        var fields = [
            F("server", .string(target.server)), F("method", .string(operation.rawValue)),
            F("listing", .bool(target.arguments == nil && target.kind != .server)),
        ]
        if let arguments = target.arguments {
            fields.append(F("arguments", value(arguments, depth: 0) ?? .record(.empty)))
        }
        return fields
    }

    /// Four digits, zero-padded (`7` → `0007`).
    static func fourDigits(_ n: Int64) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// JSON → Cedar: objects are records, arrays sets, integers longs; other numbers become decimals
    /// (rounded to Cedar's four fractional digits; out of range: left out); `null` members are left out.
    static func value(_ json: JSONValue, depth: Int) -> Value? {
        guard depth <= maximumArgumentDepth else { return nil }
        switch json {
        case .null: return nil
        case .bool(let b): return .bool(b)
        case .integer(let i): return .long(Int64(i))
        case .string(let s): return .string(s)
        case .number(let d):
            guard d.isFinite, abs(d) < 9.0e14 else { return nil }
            let scaled = (d * 10_000).rounded()
            let text = "\(Int64(scaled) / 10_000).\(fourDigits(abs(Int64(scaled) % 10_000)))"
            let signed = scaled < 0 && Int64(scaled) / 10_000 == 0 ? "-" + text : text
            return (try? CedarDecimal.parse(signed).get()).map(Value.decimal)
        case .array(let items): return .set(CedarSet(items.compactMap { value($0, depth: depth + 1) }))
        case .object(let members):
            var fields: [CedarRecord.Field] = []
            for key in members.keys.sorted() {
                if let v = members[key].flatMap({ value($0, depth: depth + 1) }) { fields.append(F(key, v)) }
            }
            return .record(CedarRecord(uniqueFields: fields))
        }
    }
}
