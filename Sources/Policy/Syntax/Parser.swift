/// Recursive-descent parser for Cedar policy text (policies, scopes, annotations, conditions).
/// Hand-written: the package mirror holds no Swift Cedar implementation. Expressions are parsed in
/// `Parser+Expression.swift`.
struct Parser {
    var tokens: [Token]
    var position = 0
    /// Current expression nesting; bounded so that a pathological policy is a parse error, not a
    /// stack overflow at load (the reference implementation crashes well before 1,000 levels).
    var depth = 0
    static let maximumDepth = 256

    static let reserved: Set<String> = ["true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar"]

    init(tokens: [Token]) { self.tokens = tokens }

    var current: Token { tokens[position] }

    mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    func error(_ message: String, at token: Token? = nil) -> PolicyParseError {
        PolicyParseError(location: (token ?? current).location, message: message)
    }

    func isPunct(_ p: String) -> Bool {
        if case .punct(let q) = current.kind { return q == p }
        return false
    }

    func isIdent(_ name: String) -> Bool {
        if case .identifier(let n) = current.kind { return n == name }
        return false
    }

    mutating func expectPunct(_ p: String) throws(PolicyParseError) {
        guard isPunct(p) else { throw error("expected `\(p)`, found \(describe(current))") }
        advance()
    }

    mutating func expectIdent(_ name: String) throws(PolicyParseError) {
        guard isIdent(name) else { throw error("expected `\(name)`, found \(describe(current))") }
        advance()
    }

    mutating func identifier() throws(PolicyParseError) -> String {
        guard case .identifier(let n) = current.kind else {
            throw error("expected an identifier, found \(describe(current))")
        }
        advance()
        return n
    }

    /// An identifier usable as an attribute or annotation name (not reserved).
    mutating func attributeName() throws(PolicyParseError) -> String {
        let token = current
        let n = try identifier()
        if Self.reserved.contains(n) {
            throw error("this identifier is reserved and cannot be used: \(n)", at: token)
        }
        return n
    }

    mutating func stringLiteral() throws(PolicyParseError) -> String {
        guard case .string(let raw) = current.kind else {
            throw error("expected a string literal, found \(describe(current))")
        }
        let token = current
        advance()
        switch CedarString.unescapeString(raw) {
        case .success(let s): return s
        case .failure(let e): throw error("the input `\(e.text)` is not a valid escape", at: token)
        }
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier(let n): "`\(n)`"
        case .string: "a string literal"
        case .integer(let i): "`\(i)`"
        case .punct(let p): "`\(p)`"
        case .slot(let s): "`?\(s)`"
        case .end: "end of input"
        }
    }

    // MARK: policies

    mutating func parsePolicies() throws(PolicyParseError) -> [ParsedPolicy] {
        var out: [ParsedPolicy] = []
        while true {
            if case .end = current.kind { return out }
            out.append(try parsePolicy())
        }
    }

    mutating func parsePolicy() throws(PolicyParseError) -> ParsedPolicy {
        let start = current.location
        var annotations: [String: String] = [:]
        while isPunct("@") {
            advance()
            let nameToken = current
            let name = try identifier()
            var value = ""
            if isPunct("(") {
                advance()
                value = try stringLiteral()
                try expectPunct(")")
            }
            if annotations[name] != nil { throw error("duplicate annotation: @\(name)", at: nameToken) }
            annotations[name] = value
        }
        let effectToken = current
        let effect: Policy.Effect
        switch try identifier() {
        case "permit": effect = .permit
        case "forbid": effect = .forbid
        case let other: throw error("expected `permit` or `forbid`, found `\(other)`", at: effectToken)
        }
        try expectPunct("(")
        try expectIdent("principal")
        let principal = try scopeConstraint(variable: "principal")
        try expectPunct(",")
        try expectIdent("action")
        let action = try actionConstraint()
        try expectPunct(",")
        try expectIdent("resource")
        let resource = try scopeConstraint(variable: "resource")
        if isPunct(",") { advance() }
        try expectPunct(")")
        var conditions: [Condition] = []
        while isIdent("when") || isIdent("unless") {
            let isWhen = isIdent("when")
            advance()
            try expectPunct("{")
            if isPunct("}") { throw error("a condition body must not be empty") }
            let body = try expression()
            try expectPunct("}")
            conditions.append(Condition(isWhen: isWhen, body: body))
        }
        guard isPunct(";") else { throw error("expected `when`, `unless` or `;`, found \(describe(current))") }
        advance()
        return ParsedPolicy(
            effect: effect, annotations: annotations, principal: principal, action: action,
            resource: resource, conditions: conditions, location: start)
    }

    mutating func scopeConstraint(variable: String) throws(PolicyParseError) -> ScopeConstraint {
        if isPunct("==") {
            advance()
            return .equal(try scopeEntity())
        }
        if isIdent("in") {
            advance()
            if isPunct("[") { throw error("expected single entity uid or template slot, found set of entity uids") }
            return .in(try scopeEntity())
        }
        if isIdent("is") {
            advance()
            let type = try path()
            if isIdent("in") {
                advance()
                return .isIn(type, try scopeEntity())
            }
            return .is(type)
        }
        return .any
    }

    mutating func actionConstraint() throws(PolicyParseError) -> ActionConstraint {
        if isPunct("==") {
            advance()
            return .equal(try actionEntity())
        }
        if isIdent("in") {
            advance()
            if isPunct("[") {
                advance()
                var list: [EntityUID] = []
                while !isPunct("]") {
                    list.append(try actionEntity())
                    if isPunct(",") { advance() } else { break }
                }
                try expectPunct("]")
                return .in(list)
            }
            return .in([try actionEntity()])
        }
        if isIdent("is") { throw error("`is` cannot appear in the action scope") }
        return .any
    }

    mutating func actionEntity() throws(PolicyParseError) -> EntityUID {
        let token = current
        let uid = try scopeEntity()
        guard uid.type == "Action" || uid.type.hasSuffix("::Action") else {
            throw error("expected an entity uid with type `Action` but got `\(uid)`", at: token)
        }
        return uid
    }

    mutating func scopeEntity() throws(PolicyParseError) -> EntityUID {
        if case .slot = current.kind { throw error("policy templates (slots) are not supported") }
        let type = try path()
        try expectPunct("::")
        return EntityUID(type: type, id: try stringLiteral())
    }

    /// `Ident ('::' Ident)*`, stopping before `::"id"`.
    mutating func path() throws(PolicyParseError) -> String {
        var name = try identifier()
        while isPunct("::"), position + 1 < tokens.count, case .identifier(let next) = tokens[position + 1].kind {
            advance()
            advance()
            name += "::" + next
        }
        return name
    }
}

struct ParsedPolicy {
    var effect: Policy.Effect
    var annotations: [String: String]
    var principal: ScopeConstraint
    var action: ActionConstraint
    var resource: ScopeConstraint
    var conditions: [Condition]
    var location: SourceLocation
}
