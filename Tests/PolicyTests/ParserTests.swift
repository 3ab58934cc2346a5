import Testing
@testable import Policy

@Suite("Cedar parser")
struct ParserTests {
    @Test func idsAreAnnotationOrPosition() throws {
        let set = try PolicySet(parsing: """
            permit(principal, action, resource);
            @id("named") @guardrails("strict") forbid(principal, action, resource);
            @advice @if("reserved words are fine here") permit(principal, action, resource,);
            """)
        #expect(set.policies.map(\.id) == ["policy0", "named", "policy2"])
        #expect(set.policies.map(\.positionalID) == ["policy0", "policy1", "policy2"])
        #expect(set.policies[1].annotations == ["id": "named", "guardrails": "strict"])
        #expect(set.policies[2].annotations == ["advice": "", "if": "reserved words are fine here"])
    }

    @Test func positionsContinueAcrossFiles() throws {
        let set = try PolicySet(sources: [
            .init(name: "a.cedar", text: "permit(principal, action, resource);"),
            .init(name: "b.cedar", text: "// comment\nforbid(principal, action, resource);"),
        ])
        #expect(set.policies.map(\.id) == ["policy0", "policy1"])
        #expect(set.policies[1].location == SourceLocation(line: 2, column: 1))
    }

    @Test(arguments: [
        ("permit(principal, action, resource) when { 1 < };", "1:48", "unexpected `}`"),
        ("permit(principal, action, resource)", "1:36", "expected `when`, `unless` or `;`"),
        ("permit(principal, action == User::\"x\", resource);", "1:29", "type `Action`"),
        ("permit(principal in [User::\"x\"], action, resource);", "1:21", "set of entity uids"),
        ("permit(principal, action is Action, resource);", "1:26", "`is` cannot appear in the action scope"),
        ("permit(principal == ?principal, action, resource);", "1:21", "templates"),
        ("@id(\"a\") @id(\"b\") permit(principal, action, resource);", "1:11", "duplicate annotation"),
        ("@id(\"a\") permit(principal, action, resource);\n@id(\"a\") permit(principal, action, resource);", "2:1", "duplicate policy id"),
        ("permit(principal, action, resource) when { 1 < 2 < 3 };", "1:50", "multiple relational operators"),
        ("permit(principal, action, resource) when { \"a\" like principal.s };", "1:53", "pattern literal"),
        ("permit(principal, action, resource) when { foo(1) };", "1:44", "`foo` is not a valid function"),
        ("permit(principal, action, resource) when { principal.foo() };", "1:54", "`foo` is not a valid method"),
        ("permit(principal, action, resource) when { principal.if };", "1:54", "reserved"),
        ("permit(principal, action, resource) when { {a: 1, a: 2} == {} };", "1:51", "duplicate key"),
        ("permit(principal, action, resource) when { 9223372036854775808 == 1 };", "1:44", "too large"),
        ("permit(principal, action, resource) when { \"\\q\" == \"\" };", "1:44", "not a valid escape"),
        ("permit(principal, action, resource) when { };", "1:44", "must not be empty"),
        ("allow(principal, action, resource);", "1:1", "expected `permit` or `forbid`"),
        ("permit(principal, action, resource) when { \"abc };", "1:44", "unterminated string"),
        ("permit(principal, action, resource) when { 1 = 1 };", "1:46", "unexpected character"),
        ("permit(principal, action, resource) when { [].isEmpty(1) };", "1:47", "exactly 0 arguments"),
        ("permit(principal, action, resource) when { !!!!!true };", "1:44", "too many occurrences of `!`"),
        ("permit(principal, action, resource) when { -----1 == -1 };", "1:44", "too many occurrences of `-`"),
        ("permit(principal, action, resource) when { !-!-true };", "1:44", "cannot be mixed"),
        ("permit(principal, action, resource) when { 1 + if true then 1 else 2 == 2 };", "1:48", "reserved"),
        ("permit(principal, action, resource) when { __cedar::ip(\"1.2.3.4\") };", "1:44", "reserved"),
        ("permit(principal, action, resource) when { [1].contains() };", "1:48", "exactly 1 argument"),
    ])
    func reportsErrorWithLocation(text: String, location: String, fragment: String) {
        guard let error = Fixtures.parseError(text) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(error.location.description == location, "\(text): \(error)")
        #expect(error.message.contains(fragment), "\(text): \(error)")
        #expect(error.description.hasPrefix("<policies>:\(location): "))
    }

    @Test func acceptsTheFullScopeGrammar() throws {
        let set = try PolicySet(parsing: """
            permit(principal is User in Group::"g", action in [Action::"a", Ns::Action::"b"], resource is Ns::Doc in Ns::Folder::"f");
            permit(principal == User::"u", action == Action::"a", resource == Doc::"d") when { true } unless { false } when { true };
            permit(principal in Group::"g", action in Action::"grp", resource is Doc);
            """)
        #expect(set.policies.count == 3)
        #expect(set.policies[0].conditions.isEmpty && set.policies[1].conditions.count == 3)
    }

    @Test func minimumLongLiteralIsExpressible() throws {
        #expect(try Fixtures.evaluate("-9223372036854775808").get() == .long(Int64.min))
    }
}
