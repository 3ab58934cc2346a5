/// Cedar expression grammar, lowest precedence first:
/// `if-then-else` > `||` > `&&` > relation (one of `== != < <= > >= in`, `has`, `like`, `is [in]`)
/// > `+ -` > `*` > unary `! -` > member access (`.attr`, `["attr"]`, `.method(...)`) > primary.
extension Parser {
    mutating func expression() throws(PolicyParseError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            throw error("expression nested more than \(Self.maximumDepth) levels deep")
        }
        if isIdent("if") {
            advance()
            let c = try expression()
            try expectIdent("then")
            let t = try expression()
            try expectIdent("else")
            let e = try expression()
            return .ifThenElse(c, t, e)
        }
        return try orExpression()
    }

    mutating func orExpression() throws(PolicyParseError) -> Expression {
        var lhs = try andExpression()
        while isPunct("||") {
            advance()
            lhs = .or(lhs, try andExpression())
        }
        return lhs
    }

    mutating func andExpression() throws(PolicyParseError) -> Expression {
        var lhs = try relation()
        while isPunct("&&") {
            advance()
            lhs = .and(lhs, try relation())
        }
        return lhs
    }

    private var isRelationalStart: Bool {
        if case .punct(let p) = current.kind { return ["==", "!=", "<", "<=", ">", ">="].contains(p) }
        return isIdent("in") || isIdent("has") || isIdent("like") || isIdent("is")
    }

    mutating func relation() throws(PolicyParseError) -> Expression {
        let lhs = try additive()
        guard isRelationalStart else { return lhs }
        let result: Expression
        if case .punct(let p) = current.kind {
            advance()
            let rhs = try additive()
            let op: BinaryOperator = switch p {
            case "==": .equal
            case "!=": .notEqual
            case "<": .less
            case "<=": .lessEqual
            case ">": .greater
            default: .greaterEqual
            }
            result = .binary(op, lhs, rhs)
        } else if isIdent("in") {
            advance()
            result = .binary(.in, lhs, try additive())
        } else if isIdent("has") {
            advance()
            if case .string = current.kind {
                result = .has(lhs, [try stringLiteral()])
            } else {
                var names = [try attributeName()]
                while isPunct(".") {
                    advance()
                    names.append(try attributeName())
                }
                result = .has(lhs, names)
            }
        } else if isIdent("like") {
            advance()
            guard case .string(let raw) = current.kind else {
                throw error("right hand side of a `like` expression must be a pattern literal")
            }
            switch CedarString.unescape(raw, pattern: true) {
            case .success(let parts): result = .like(lhs, Pattern(parts))
            case .failure(let e): throw error("the input `\(e.text)` is not a valid escape")
            }
            advance()
        } else {
            advance()  // is
            let type = try path()
            if isIdent("in") {
                advance()
                result = .isTypeIn(lhs, type, try additive())
            } else {
                result = .isType(lhs, type)
            }
        }
        if isRelationalStart {
            throw error("multiple relational operators (>, ==, in, etc.) must be used with parentheses to make ordering explicit")
        }
        return result
    }

    mutating func additive() throws(PolicyParseError) -> Expression {
        var lhs = try multiplicative()
        while isPunct("+") || isPunct("-") {
            let op: BinaryOperator = isPunct("+") ? .add : .subtract
            advance()
            lhs = .binary(op, lhs, try multiplicative())
        }
        return lhs
    }

    mutating func multiplicative() throws(PolicyParseError) -> Expression {
        var lhs = try unary()
        while isPunct("*") {
            advance()
            lhs = .binary(.multiply, lhs, try unary())
        }
        return lhs
    }

    mutating func unary() throws(PolicyParseError) -> Expression {
        var ops: [String] = []
        let first = current
        while isPunct("!") || isPunct("-") {
            if case .punct(let p) = current.kind { ops.append(p) }
            advance()
        }
        if ops.count > 4 { throw error("too many occurrences of `\(ops[0])`", at: first) }
        var operand: Expression
        let literalMinus = ops.last == "-" && { if case .integer = current.kind { true } else { false } }()
        if Set(ops.dropLast(literalMinus ? 1 : 0)).count > 1 {
            throw error("unary `!` and `-` cannot be mixed without parentheses", at: first)
        }
        if literalMinus, case .integer(let digits) = current.kind {
            // `-` directly before a literal is part of the literal, so the minimum long is expressible.
            guard let v = Int64("-" + digits) else { throw error("integer literal `-\(digits)` is too large") }
            advance()
            operand = try memberAccess(.literal(.long(v)))
            ops.removeLast()
        } else {
            operand = try memberAccess(try primary())
        }
        for op in ops.reversed() {
            operand = op == "!" ? .not(operand) : .negate(operand)
        }
        return operand
    }

    mutating func memberAccess(_ base: Expression) throws(PolicyParseError) -> Expression {
        var e = base
        while true {
            if isPunct(".") {
                advance()
                let nameToken = current
                let name = try attributeName()
                if isPunct("(") {
                    advance()
                    var args: [Expression] = []
                    while !isPunct(")") {
                        args.append(try expression())
                        if isPunct(",") { advance() } else { break }
                    }
                    try expectPunct(")")
                    e = try method(name, on: e, args: args, at: nameToken)
                } else {
                    e = Self.attribute(e, name)
                }
            } else if isPunct("[") {
                advance()
                let name = try stringLiteral()
                try expectPunct("]")
                e = Self.attribute(e, name)
            } else {
                return e
            }
        }
    }

    mutating func primary() throws(PolicyParseError) -> Expression {
        let token = current
        switch token.kind {
        case .integer(let digits):
            advance()
            guard let v = Int64(digits) else { throw error("integer literal `\(digits)` is too large", at: token) }
            return .literal(.long(v))
        case .string:
            return .literal(.string(try stringLiteral()))
        case .slot:
            throw error("policy templates (slots) are not supported")
        case .punct("("):
            advance()
            let e = try expression()
            try expectPunct(")")
            return e
        case .punct("["):
            advance()
            var elements: [Expression] = []
            while !isPunct("]") {
                elements.append(try expression())
                if isPunct(",") { advance() } else { break }
            }
            try expectPunct("]")
            return Self.fold(.set(elements))
        case .punct("{"):
            advance()
            var fields: [(String, Expression)] = []
            var seen: Set<String> = []
            while !isPunct("}") {
                let keyToken = current
                let key: String
                if case .string = current.kind { key = try stringLiteral() } else { key = try attributeName() }
                guard seen.insert(key).inserted else { throw error("duplicate key `\(key)` in record literal", at: keyToken) }
                try expectPunct(":")
                fields.append((key, try expression()))
                if isPunct(",") { advance() } else { break }
            }
            try expectPunct("}")
            return Self.fold(.record(fields))
        case .identifier(let name):
            switch name {
            case "true": advance(); return .literal(.bool(true))
            case "false": advance(); return .literal(.bool(false))
            case "principal", "action", "resource", "context":
                if position + 1 < tokens.count, case .punct("::") = tokens[position + 1].kind { break }
                advance()
                let v: Variable = switch name {
                case "principal": .principal
                case "action": .action
                case "resource": .resource
                default: .context
                }
                return .variable(v)
            default: break
            }
            if Self.reserved.contains(name) { throw error("this identifier is reserved and cannot be used: \(name)") }
            let p = try path()
            if isPunct("::") {
                advance()
                return .literal(.entity(EntityUID(type: p, id: try stringLiteral())))
            }
            if isPunct("(") {
                advance()
                guard let fn = ExtensionFunction(rawValue: p) else { throw error("`\(p)` is not a valid function", at: token) }
                var args: [Expression] = []
                while !isPunct(")") {
                    args.append(try expression())
                    if isPunct(",") { advance() } else { break }
                }
                try expectPunct(")")
                guard args.count == 1 else { return .failure(Self.arityError(p, expected: 1, got: args.count)) }
                return Self.fold(.extensionCall(fn, args[0]))
            }
            throw error("unexpected identifier `\(p)`", at: token)
        default:
            throw error("unexpected \(describe(token))")
        }
    }
}
