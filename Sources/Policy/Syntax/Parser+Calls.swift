/// Method calls, extension-function arity, attribute access and constant folding for the parser.
extension Parser {
    static let unaryMethods: [String: UnaryMethod] = [
        "isIpv4": .isIpv4, "isIpv6": .isIpv6, "isLoopback": .isLoopback, "isMulticast": .isMulticast,
        "isEmpty": .isEmpty,
    ]
    static let binaryMethods: [String: BinaryOperator] = [
        "contains": .contains, "containsAll": .containsAll, "containsAny": .containsAny,
        "isInRange": .isInRange, "lessThan": .decimalLess, "lessThanOrEqual": .decimalLessEqual,
        "greaterThan": .decimalGreater, "greaterThanOrEqual": .decimalGreaterEqual,
        "getTag": .getTag, "hasTag": .hasTag,
    ]
    /// Arity of built-in methods is a parse error; of extension methods, an evaluation error (as Cedar).
    static let builtinMethods: Set<String> = ["contains", "containsAll", "containsAny", "isEmpty", "getTag", "hasTag"]

    func method(_ name: String, on e: Expression, args: [Expression], at token: Token) throws(PolicyParseError) -> Expression {
        let builtin = Self.builtinMethods
        if let m = Self.unaryMethods[name] {
            guard args.isEmpty else {
                if builtin.contains(name) { throw error("call to `\(name)` requires exactly 0 arguments", at: token) }
                return .failure(Self.arityError(name, expected: 1, got: args.count + 1))
            }
            return .method(m, e)
        }
        if let op = Self.binaryMethods[name] {
            guard args.count == 1 else {
                if builtin.contains(name) { throw error("call to `\(name)` requires exactly 1 argument", at: token) }
                return .failure(Self.arityError(name, expected: 2, got: args.count + 1))
            }
            return .binary(op, e, args[0])
        }
        throw error("`\(name)` is not a valid method", at: token)
    }

    static func arityError(_ name: String, expected: Int, got: Int) -> EvaluationError {
        EvaluationError("wrong number of arguments provided to extension function `\(name)`: expected \(expected), got \(got)")
    }

    static func attribute(_ base: Expression, _ name: String) -> Expression {
        if case .variable(let v) = base { return .variableAttribute(v, name) }
        return .attribute(base, name)
    }

    /// Replaces constant sets, records and valid extension constructors by their value.
    static func fold(_ e: Expression) -> Expression {
        switch e {
        case .set(let elements):
            var values: [Value] = []
            for el in elements {
                guard case .literal(let v) = el else { return e }
                values.append(v)
            }
            return .literal(.set(CedarSet(values)))
        case .record(let fields):
            var values: [(String, Value)] = []
            for (k, el) in fields {
                guard case .literal(let v) = el else { return e }
                values.append((k, v))
            }
            return .literal(.record(CedarRecord(fields: values)))
        case .extensionCall(.ip, .literal(.string(let s))):
            if case .success(let ip) = IPAddress.parse(s) { return .literal(.ipaddr(ip)) }
            return e
        case .extensionCall(.decimal, .literal(.string(let s))):
            if case .success(let d) = CedarDecimal.parse(s) { return .literal(.decimal(d)) }
            return e
        default:
            return e
        }
    }
}
