import Core

/// The other direction: values, uids and entities in the Cedar JSON formats the reference reads
/// (`__entity` / `__extn` escapes), so a request the gateway built can be replayed elsewhere.
extension CedarJSON {
    public static func json(_ uid: EntityUID) -> JSONValue {
        ["type": .string(uid.type), "id": .string(uid.id)]
    }

    public static func json(_ value: Value) -> JSONValue {
        switch value {
        case .bool(let b): .bool(b)
        case .long(let l): .integer(Int(l))
        case .string(let s): .string(s)
        case .entity(let e): ["__entity": json(e)]
        case .set(let s): .array(s.map(json))
        case .record(let r): .object(Dictionary(zip(r.keys, r.values.map(json)), uniquingKeysWith: { a, _ in a }))
        case .ipaddr(let ip): ["__extn": ["fn": "ip", "arg": .string(ip.description)]]
        case .decimal(let d): ["__extn": ["fn": "decimal", "arg": .string(d.description)]]
        }
    }

    /// `{"uid","attrs","parents","tags"}` with the direct parents.
    public static func json(_ entity: Entity) -> JSONValue {
        [
            "uid": json(entity.uid), "attrs": json(.record(entity.attributes)),
            "parents": .array(entity.parents.map(json)), "tags": json(.record(entity.tags)),
        ]
    }
}
