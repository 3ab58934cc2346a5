/// The inputs of one authorization: principal, action, resource, context, and the entities they
/// are judged against. Request-local entities (built per request) shadow the shared store.
public struct AuthorizationRequest: Sendable {
    public let principal: EntityUID
    public let action: EntityUID
    public let resource: EntityUID
    /// The context record (`.record`); an empty record when absent.
    public let context: Value
    public let entities: EntityStore
    public let localEntities: [Entity]
    /// The context's fields (empty when the context is not a record).
    let contextRecord: CedarRecord
    /// The request's own entities, looked up once.
    let principalEntity: Entity?
    let actionEntity: Entity?
    let resourceEntity: Entity?

    public init(
        principal: EntityUID, action: EntityUID, resource: EntityUID, context: Value = .record([:]),
        entities: EntityStore = .empty, localEntities: [Entity] = []
    ) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
        self.entities = entities
        self.localEntities = localEntities
        func find(_ uid: EntityUID) -> Entity? {
            for e in localEntities where e.uid == uid { return e }
            return entities[uid]
        }
        if case .record(let r) = context { contextRecord = r } else { contextRecord = .empty }
        principalEntity = find(principal)
        actionEntity = find(action)
        resourceEntity = find(resource)
    }

    @inline(__always)
    func entity(_ uid: EntityUID) -> Entity? {
        if uid == principal { return principalEntity }
        if uid == resource { return resourceEntity }
        if uid == action { return actionEntity }
        for e in localEntities where e.uid == uid { return e }
        return entities[uid]
    }

    /// Cedar `in`: equal, or an ancestor.
    @inline(__always)
    func isDescendant(_ uid: EntityUID, of ancestor: EntityUID) -> Bool {
        uid == ancestor || (entity(uid)?.ancestors.contains(ancestor) ?? false)
    }

    @inline(__always)
    func principalIsIn(_ ancestor: EntityUID) -> Bool {
        principal == ancestor || (principalEntity?.ancestors.contains(ancestor) ?? false)
    }

    @inline(__always)
    func actionIsIn(_ ancestor: EntityUID) -> Bool {
        action == ancestor || (actionEntity?.ancestors.contains(ancestor) ?? false)
    }

    @inline(__always)
    func resourceIsIn(_ ancestor: EntityUID) -> Bool {
        resource == ancestor || (resourceEntity?.ancestors.contains(ancestor) ?? false)
    }
}

/// Evaluates compiled expressions with Cedar semantics: strict types, checked arithmetic,
/// short-circuit `&&`/`||`/`if`, errors as values of the typed throw.
struct Evaluator {
    let request: AuthorizationRequest

    func evaluate(_ e: Expression) throws(EvaluationError) -> Value {
        switch e {
        case .literal(let v):
            return v
        case .variable(let v):
            switch v {
            case .principal: return .entity(request.principal)
            case .action: return .entity(request.action)
            case .resource: return .entity(request.resource)
            case .context: return request.context
            }
        case .not(let a):
            return .bool(!(try bool(a)))
        case .negate(let a):
            let v = try long(evaluate(a))
            let (r, o) = Int64(0).subtractingReportingOverflow(v)
            if o { throw EvaluationError("integer overflow while attempting to negate the value `\(v)`") }
            return .long(r)
        case .and(let a, let b):
            guard try bool(a) else { return .bool(false) }
            return .bool(try bool(b))
        case .or(let a, let b):
            if try bool(a) { return .bool(true) }
            return .bool(try bool(b))
        case .ifThenElse(let c, let t, let f):
            return try evaluate(try bool(c) ? t : f)
        case .binary(let op, let a, let b):
            return try binary(op, evaluate(a), evaluate(b))
        case .method(let m, let a):
            return try method(m, evaluate(a))
        case .extensionCall(let fn, let a):
            let arg = try evaluate(a)
            guard case .string(let s) = arg else { throw .type(expected: "string", got: arg) }
            switch fn {
            case .ip: return .ipaddr(try IPAddress.parse(s).get())
            case .decimal: return .decimal(try CedarDecimal.parse(s).get())
            }
        case .attribute(let a, let name):
            return try attribute(evaluate(a), name)
        case .variableAttribute(let v, let name):
            switch v {
            case .context:
                guard let value = request.contextRecord[name] else {
                    throw EvaluationError("record does not have the attribute `\(name)`")
                }
                return value
            case .principal: return try entityAttribute(request.principal, request.principalEntity, name)
            case .resource: return try entityAttribute(request.resource, request.resourceEntity, name)
            case .action: return try entityAttribute(request.action, request.actionEntity, name)
            }
        case .has(let a, let path):
            var base = try evaluate(a)
            for (i, name) in path.enumerated() {
                guard try has(base, name) else { return .bool(false) }
                if i < path.count - 1 { base = try attribute(base, name) }
            }
            return .bool(true)
        case .like(let a, let pattern):
            let v = try evaluate(a)
            guard case .string(let s) = v else { throw .type(expected: "string", got: v) }
            return .bool(pattern.matches(s))
        case .isType(let a, let type):
            return .bool(try entity(evaluate(a)).type == type)
        case .isTypeIn(let a, let type, let b):
            let va = try evaluate(a)
            guard try entity(va).type == type else { return .bool(false) }
            return try binary(.in, va, evaluate(b))
        case .failure(let error):
            throw error
        case .set(let elements):
            var s: [Value] = []
            s.reserveCapacity(elements.count)
            for el in elements { s.append(try evaluate(el)) }
            return .set(CedarSet(s))
        case .record(let fields):
            var r: [(String, Value)] = []
            r.reserveCapacity(fields.count)
            for (k, el) in fields { r.append((k, try evaluate(el))) }
            return .record(CedarRecord(fields: r))
        }
    }

    func bool(_ e: Expression) throws(EvaluationError) -> Bool {
        let v = try evaluate(e)
        guard case .bool(let b) = v else { throw .type(expected: "bool", got: v) }
        return b
    }

    func long(_ v: Value) throws(EvaluationError) -> Int64 {
        guard case .long(let l) = v else { throw .type(expected: "long", got: v) }
        return l
    }

    func entity(_ v: Value) throws(EvaluationError) -> EntityUID {
        guard case .entity(let uid) = v else { throw .type(expected: "(entity of type `any_entity_type`)", got: v) }
        return uid
    }

    func set(_ v: Value) throws(EvaluationError) -> CedarSet {
        guard case .set(let s) = v else { throw .type(expected: "set", got: v) }
        return s
    }

    @inline(__always)
    func entityAttribute(_ uid: EntityUID, _ entity: Entity?, _ name: String) throws(EvaluationError) -> Value {
        guard let entity else { throw EvaluationError("entity `\(uid)` does not exist") }
        guard let v = entity.attributes[name] else {
            throw EvaluationError("`\(uid)` does not have the attribute `\(name)`")
        }
        return v
    }

    func attribute(_ base: Value, _ name: String) throws(EvaluationError) -> Value {
        switch base {
        case .entity(let uid):
            return try entityAttribute(uid, request.entity(uid), name)
        case .record(let r):
            guard let v = r[name] else { throw EvaluationError("record does not have the attribute `\(name)`") }
            return v
        default:
            throw .type(expected: "one of [record, (entity of type `any_entity_type`)]", got: base)
        }
    }

    func has(_ base: Value, _ name: String) throws(EvaluationError) -> Bool {
        switch base {
        case .entity(let uid): return request.entity(uid)?.attributes[name] != nil
        case .record(let r): return r[name] != nil
        default: throw .type(expected: "one of [record, (entity of type `any_entity_type`)]", got: base)
        }
    }
}
