extension Evaluator {
    func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(EvaluationError) -> Value {
        switch op {
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less, .lessEqual, .greater, .greaterEqual:
            guard case .long(let x) = a else { throw .type(expected: "one of [long, datetime, duration]", got: a) }
            guard case .long(let y) = b else { throw .type(expected: "long", got: b) }
            switch op {
            case .less: return .bool(x < y)
            case .lessEqual: return .bool(x <= y)
            case .greater: return .bool(x > y)
            default: return .bool(x >= y)
            }
        case .add, .subtract, .multiply:
            let x = try long(a), y = try long(b)
            let (r, overflow): (Int64, Bool)
            let verb: String
            switch op {
            case .add: (r, overflow) = x.addingReportingOverflow(y); verb = "add"
            case .subtract: (r, overflow) = x.subtractingReportingOverflow(y); verb = "subtract"
            default: (r, overflow) = x.multipliedReportingOverflow(by: y); verb = "multiply"
            }
            if overflow {
                throw EvaluationError("integer overflow while attempting to \(verb) the values `\(x)` and `\(y)`")
            }
            return .long(r)
        case .in:
            let child = try entity(a)
            switch b {
            case .entity(let parent):
                return .bool(request.isDescendant(child, of: parent))
            case .set(let parents):
                var uids: [EntityUID] = []
                uids.reserveCapacity(parents.count)
                for p in parents { uids.append(try entity(p)) }
                if uids.contains(child) { return .bool(true) }
                guard let ancestors = request.entity(child)?.ancestors, !ancestors.isEmpty else { return .bool(false) }
                return .bool(uids.contains(where: ancestors.contains))
            default:
                throw .type(expected: "one of [set, (entity of type `any_entity_type`)]", got: b)
            }
        case .contains:
            return .bool(try set(a).contains(b))
        case .containsAll:
            let x = try set(a), y = try set(b)
            return .bool(y.isSubset(of: x))
        case .containsAny:
            let x = try set(a), y = try set(b)
            return .bool(!x.isDisjoint(with: y))
        case .isInRange:
            guard case .ipaddr(let x) = a else { throw .type(expected: "ipaddr", got: a) }
            guard case .ipaddr(let y) = b else { throw .type(expected: "ipaddr", got: b) }
            return .bool(x.isInRange(y))
        case .decimalLess, .decimalLessEqual, .decimalGreater, .decimalGreaterEqual:
            guard case .decimal(let x) = a else { throw .type(expected: "decimal", got: a) }
            guard case .decimal(let y) = b else { throw .type(expected: "decimal", got: b) }
            switch op {
            case .decimalLess: return .bool(x < y)
            case .decimalLessEqual: return .bool(x <= y)
            case .decimalGreater: return .bool(x > y)
            default: return .bool(x >= y)
            }
        case .getTag, .hasTag:
            let uid = try entity(a)
            guard case .string(let tag) = b else { throw .type(expected: "string", got: b) }
            let entity = request.entity(uid)
            if op == .hasTag { return .bool(entity?.tags[tag] != nil) }
            guard let entity else { throw EvaluationError("entity `\(uid)` does not exist") }
            guard let v = entity.tags[tag] else { throw EvaluationError("`\(uid)` does not have the tag `\(tag)`") }
            return v
        }
    }

    func method(_ m: UnaryMethod, _ a: Value) throws(EvaluationError) -> Value {
        if m == .isEmpty { return .bool(try set(a).isEmpty) }
        guard case .ipaddr(let ip) = a else { throw .type(expected: "ipaddr", got: a) }
        switch m {
        case .isIpv4: return .bool(!ip.isV6)
        case .isIpv6: return .bool(ip.isV6)
        case .isLoopback: return .bool(ip.isLoopback)
        case .isMulticast: return .bool(ip.isMulticast)
        case .isEmpty: return .bool(false)
        }
    }
}
