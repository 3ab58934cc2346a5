@testable import Policy

/// A small entity graph used across the tests:
/// User::"alice" ∈ Team::"t1" ∈ Dept::"d1" ∈ Org::"o"; Doc::"d" ∈ Folder::"f".
enum Fixtures {
    static let alice = EntityUID(type: "User", id: "alice")
    static let store: EntityStore = try! EntityStore([
        Entity(
            uid: alice,
            attributes: [
                "n": .long(5), "s": .string("hello"), "flag": .bool(true),
                "tags": .set([.string("a"), .string("b")]), "rec": .record(["a": .long(1), "inner": .record(["c": .bool(true)])]),
                "owner": .entity(EntityUID(type: "User", id: "bob")),
                "ip": .ipaddr(try! IPAddress.parse("10.1.2.3").get()),
            ],
            parents: [EntityUID(type: "Team", id: "t1")], tags: ["env": .string("prod")]),
        Entity(uid: EntityUID(type: "Team", id: "t1"), parents: [EntityUID(type: "Dept", id: "d1")]),
        Entity(uid: EntityUID(type: "Dept", id: "d1"), parents: [EntityUID(type: "Org", id: "o")]),
        Entity(uid: EntityUID(type: "Org", id: "o")),
        Entity(uid: EntityUID(type: "Doc", id: "d"), attributes: ["owner": .entity(alice)], parents: [EntityUID(type: "Folder", id: "f")]),
        Entity(uid: EntityUID(type: "Action", id: "read"), parents: [EntityUID(type: "Action", id: "readOnly")]),
    ])

    static func request(context: Value = .record(["n": .long(3), "purpose": .string("summarise")])) -> AuthorizationRequest {
        AuthorizationRequest(
            principal: alice, action: EntityUID(type: "Action", id: "read"), resource: EntityUID(type: "Doc", id: "d"),
            context: context, entities: store)
    }

    /// Parses `expression` and evaluates it against `request()`.
    static func evaluate(_ expression: String) throws -> Result<Value, EvaluationError> {
        var parser = Parser(tokens: try Lexer.tokenize(expression))
        let e = try parser.expression()
        guard case .end = parser.current.kind else { throw PolicyParseError(location: parser.current.location, message: "trailing input") }
        return Result { () throws(EvaluationError) -> Value in try Evaluator(request: request()).evaluate(e) }
    }

    static func parseError(_ policies: String) -> PolicySetError? {
        do {
            _ = try PolicySet(parsing: policies)
            return nil
        } catch {
            return error
        }
    }
}
