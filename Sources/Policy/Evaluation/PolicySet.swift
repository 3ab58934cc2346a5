/// A parsed, compiled set of Cedar policies, in source order.
public struct PolicySet: Sendable {
    public let policies: [Policy]
    /// The source texts the set was built from, concatenated in order (input of the policy-set hash).
    public let source: String

    /// One source file: its name (for messages) and text.
    public struct Source: Sendable {
        public var name: String
        public var text: String
        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    public static let empty = PolicySet(policies: [], source: "")

    private init(policies: [Policy], source: String) {
        self.policies = policies
        self.source = source
    }

    /// Parses policy text. Policies are numbered `policy0`, `policy1`, ... across all sources in order.
    public init(parsing text: String) throws(PolicySetError) {
        try self.init(sources: [Source(name: "<policies>", text: text)])
    }

    /// - Parameter uniqueIDs: refuse two policies with the same `@id` (the gateway names policies in 403s
    ///   and audit records, so there they must be unambiguous). Cedar itself allows it — annotations are
    ///   free text and policies are told apart by position — so `policy eval` passes false.
    public init(sources: [Source], uniqueIDs: Bool = true) throws(PolicySetError) {
        var policies: [Policy] = []
        var seenIDs: [String: String] = [:]
        for source in sources {
            let parsed: [ParsedPolicy]
            do {
                var parser = Parser(tokens: try Lexer.tokenize(source.text))
                parsed = try parser.parsePolicies()
            } catch {
                throw PolicySetError(file: source.name, location: error.location, message: error.message)
            }
            for p in parsed {
                let positional = "policy\(policies.count)"
                let id = p.annotations["id"] ?? positional
                if uniqueIDs, let previous = seenIDs[id] {
                    throw PolicySetError(
                        file: source.name, location: p.location,
                        message: "duplicate policy id `\(id)` (first used at \(previous))")
                }
                seenIDs[id] = "\(source.name):\(p.location)"
                policies.append(
                    Policy(
                        positionalID: positional, id: id, effect: p.effect, annotations: p.annotations,
                        principal: p.principal, action: p.action, resource: p.resource, conditions: p.conditions,
                        location: p.location))
            }
        }
        self.policies = policies
        self.source = sources.map(\.text).joined()
    }
}

/// A policy file that does not parse or compile: `file:line:col: message`.
public struct PolicySetError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(file):\(location): \(message)" }
}
