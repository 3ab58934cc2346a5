import Core

/// Conversions from the Cedar JSON formats (entity uids, attribute values with `__entity` / `__extn`
/// escapes, entity lists) as the reference implementation reads them without a schema.
public enum CedarJSON {
    /// An entity uid: `{"type","id"}`, `{"__entity": {"type","id"}}`, or the string `Type::"id"`.
    public static func entityUID(_ json: JSONValue) throws(EntityError) -> EntityUID {
        switch json {
        case .string(let text):
            return try entityUID(parsing: text)
        case .object(let o):
            if let inner = o["__entity"], o.count == 1 { return try entityUID(inner) }
            guard case .string(let type)? = o["type"], case .string(let id)? = o["id"], o.count == 2 else {
                throw EntityError("expected an entity uid {\"type\", \"id\"}, got \(json.typeName)")
            }
            return EntityUID(type: type, id: id)
        default:
            throw EntityError("expected an entity uid, got \(json.typeName)")
        }
    }

    /// Parses `Type::"id"` (namespaces allowed) in Cedar syntax.
    public static func entityUID(parsing text: String) throws(EntityError) -> EntityUID {
        do throws(PolicyParseError) {
            var parser = Parser(tokens: try Lexer.tokenize(text))
            let uid = try parser.scopeEntity()
            guard case .end = parser.current.kind else {
                throw PolicyParseError(location: parser.current.location, message: "unexpected text after entity uid")
            }
            // As the reference: the text must be the uid's canonical form (no spaces, canonical escapes).
            guard uid.description == text else {
                throw PolicyParseError(
                    location: SourceLocation(line: 1, column: 1),
                    message: "`Entity UID` needs to be normalized (e.g., whitespace removed)")
            }
            return uid
        } catch {
            throw EntityError("invalid entity uid `\(text)`: \(error.message)")
        }
    }

    /// An attribute or context value.
    public static func value(_ json: JSONValue) throws(EntityError) -> Value {
        switch json {
        case .bool(let b): return .bool(b)
        case .integer(let i): return .long(Int64(i))
        case .number(let d):
            guard d.rounded() == d, let i = Int64(exactly: d) else { throw EntityError("floating-point numbers are not Cedar values") }
            return .long(i)
        case .string(let s): return .string(s)
        case .null: throw EntityError("null is not a Cedar value")
        case .array(let a):
            var s: [Value] = []
            for el in a { s.append(try value(el)) }
            return .set(CedarSet(s))
        case .object(let o):
            if o.count == 1, let inner = o["__entity"] { return .entity(try entityUID(inner)) }
            if o.count == 1, case .object(let ext)? = o["__extn"] {
                guard case .string(let fn)? = ext["fn"], let argJSON = ext["arg"] else {
                    throw EntityError("`__extn` needs `fn` and `arg`")
                }
                guard case .string(let arg) = argJSON else { throw EntityError("`__extn` argument must be a string") }
                switch fn {
                case "ip":
                    switch IPAddress.parse(arg) {
                    case .success(let ip): return .ipaddr(ip)
                    case .failure(let e): throw EntityError(e.message)
                    }
                case "decimal":
                    switch CedarDecimal.parse(arg) {
                    case .success(let d): return .decimal(d)
                    case .failure(let e): throw EntityError(e.message)
                    }
                default: throw EntityError("unknown extension function `\(fn)`")
                }
            }
            var r: [(String, Value)] = []
            for (k, v) in o { r.append((k, try value(v))) }
            return .record(CedarRecord(uniqueFields: r))
        }
    }

    /// A context: a JSON object (absent or null = empty record).
    public static func context(_ json: JSONValue?) throws(EntityError) -> Value {
        guard let json, json != .null else { return .record([:]) }
        guard case .object = json else { throw EntityError("context must be a JSON object, got \(json.typeName)") }
        return try value(json)
    }

    /// A Cedar JSON entity list: `[{"uid", "attrs", "parents", "tags"?}]`.
    public static func entities(_ json: JSONValue) throws(EntityError) -> [Entity] {
        guard case .array(let list) = json else { throw EntityError("entities must be a JSON array") }
        var out: [Entity] = []
        for item in list {
            guard case .object(let o) = item, let uidJSON = o["uid"] else {
                throw EntityError("each entity needs a `uid`")
            }
            let uid = try entityUID(uidJSON)
            var attrs: [(String, Value)] = []
            if case .object(let a)? = o["attrs"] {
                for (k, v) in a { attrs.append((k, try value(v))) }
            }
            var tags: [(String, Value)] = []
            if case .object(let t)? = o["tags"] {
                for (k, v) in t { tags.append((k, try value(v))) }
            }
            var parents: [EntityUID] = []
            if case .array(let ps)? = o["parents"] {
                for p in ps { parents.append(try entityUID(p)) }
            }
            out.append(Entity(uid: uid, attributes: CedarRecord(uniqueFields: attrs), parents: parents, tags: CedarRecord(uniqueFields: tags)))
        }
        return out
    }
}
