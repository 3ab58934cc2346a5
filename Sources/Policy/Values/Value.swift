/// A Cedar value. Equality is Cedar's `==`: structural, and values of different types are unequal.
public enum Value: Sendable, Hashable {
    case bool(Bool)
    case long(Int64)
    case string(String)
    case entity(EntityUID)
    case set(CedarSet)
    case record(CedarRecord)
    case ipaddr(IPAddress)
    case decimal(CedarDecimal)

    /// Cedar's name for the type, used in error messages.
    public var typeName: String {
        switch self {
        case .bool: "bool"
        case .long: "long"
        case .string: "string"
        case .entity: "(entity of type `any_entity_type`)"
        case .set: "set"
        case .record: "record"
        case .ipaddr: "ipaddr"
        case .decimal: "decimal"
        }
    }
}

extension Value: CustomStringConvertible {
    /// Cedar syntax for the value (used in messages and tests).
    public var description: String {
        switch self {
        case .bool(let b): "\(b)"
        case .long(let l): "\(l)"
        case .string(let s): "\"\(CedarString.escape(s))\""
        case .entity(let e): e.description
        case .set(let s): "[" + s.map(\.description).sorted().joined(separator: ", ") + "]"
        case .record(let r):
            "{" + zip(r.keys, r.values).sorted { $0.0 < $1.0 }.map { "\"\(CedarString.escape($0))\": \($1.description)" }
                .joined(separator: ", ") + "}"
        case .ipaddr(let ip): "ip(\"\(ip)\")"
        case .decimal(let d): "decimal(\"\(d)\")"
        }
    }
}
