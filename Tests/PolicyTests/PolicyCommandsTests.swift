import Foundation
import Testing
@testable import Policy

@Suite("policy check / test / eval")
struct PolicyCommandsTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/policies")

    @Test func checkReportsFileLineColumn() throws {
        let good = try PolicyStoreTests.temporaryFile("permit(principal, action, resource);")
        let bad = try PolicyStoreTests.temporaryFile("permit(principal, action, resource);\nforbid(principal, action resource);")
        defer {
            try? FileManager.default.removeItem(atPath: good)
            try? FileManager.default.removeItem(atPath: bad)
        }
        var lines: [String] = []
        #expect(PolicyCommands.check(paths: [good, bad], output: { lines.append($0) }) == 1)
        #expect(lines == ["\(bad):2:26: expected `,`, found `resource`"])
        lines = []
        #expect(PolicyCommands.check(paths: [good], output: { lines.append($0) }) == 0)
        #expect(lines == ["ok: 1 policies in 1 file(s)"])
    }

    @Test func exampleScenarioPasses() {
        var lines: [String] = []
        let code = PolicyCommands.test(path: Self.examples.appendingPathComponent("tests.yaml").path, output: { lines.append($0) })
        #expect(code == 0, "\(lines)")
        #expect(lines.last?.hasSuffix("passed, 0 failed") == true)
    }

    @Test func testReportsFailures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ptest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "@id(\"p\") @max_tokens(\"10\") permit(principal, action, resource);".write(
            to: dir.appendingPathComponent("p.cedar"), atomically: true, encoding: .utf8)
        try """
            policies: p.cedar
            cases:
              - {name: right, principal: 'User::"a"', action: 'Action::"x"', resource: 'Model::"m"', expect: allow, expect_policies: [p]}
              - {name: wrong, principal: 'User::"a"', action: 'Action::"x"', resource: 'Model::"m"', expect: deny}
              - {name: cap, request: {principal: {subject: a}, operation: embeddings, model: m}, expect: allow, expect_obligations: {max_tokens: 5}}
            """.write(to: dir.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        var lines: [String] = []
        #expect(PolicyCommands.test(path: dir.appendingPathComponent("t.yaml").path, output: { lines.append($0) }) == 1)
        #expect(lines == [
            "PASS right", "FAIL wrong: expected deny, got allow (policies: p)",
            "FAIL cap: max_tokens 10, expected 5", "1 passed, 2 failed",
        ])
    }

    @Test func testFileRejectsUnknownKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ptest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "policies: p.cedar\ncases:\n  - {name: x, expect: allow, expectt: deny}\n".write(
            to: dir.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        var lines: [String] = []
        #expect(PolicyCommands.test(path: dir.appendingPathComponent("t.yaml").path, output: { lines.append($0) }) == 1)
        #expect(lines.first?.contains("unknown key 'expectt'") == true, "\(lines)")
    }

    @Test func evalFollowsTheCedarpyContract() throws {
        let path = try PolicyStoreTests.temporaryFile("""
            @id("named") permit(principal in Group::"g", action, resource);
            forbid(principal, action, resource) when { context.n > 1 };
            permit(principal, action, resource) when { context.n < "x" };
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var input = [
            #"{"principal":"User::\"a\"","action":{"type":"Action","id":"read"},"resource":{"__entity":{"type":"Doc","id":"d"}},"context":{"n":1},"entities":[{"uid":{"type":"User","id":"a"},"attrs":{},"parents":[{"type":"Group","id":"g"}]}]}"#,
            #"{"principal":"User::\"a\"","action":"Action::\"read\"","resource":"Doc::\"d\"","context":{"n":2},"entities":[]}"#,
            "not json",
        ][...]
        var out: [String] = []
        let code = PolicyCommands.eval(
            policyPaths: [path], readLine: { input.popFirst() }, output: { out.append($0) }, errorOutput: { _ in })
        #expect(code == 0)
        #expect(out == [
            #"{"decision":"Allow","reasons":["policy0"],"errors":["error while evaluating policy `policy2`: type error: expected long, got string"]}"#,
            #"{"decision":"Deny","reasons":["policy1"],"errors":["error while evaluating policy `policy2`: type error: expected long, got string"]}"#,
            #"{"decision":"Deny","reasons":[],"errors":["invalid request: not a JSON object"]}"#,
        ])
    }
}

@Suite("policy eval: JSON numbers")
struct EvalNumberTests {
    @Test(arguments: [("1", false), ("-10", false), ("1.0", true), ("1e0", true), ("-0", true), ("[true, 0.5]", true),
                      ("\"1.5e3 -0\"", false), ("false", false)])
    func floatsAreRefusedAsByTheReference(literal: String, refused: Bool) {
        let line = #"{"principal":"User::\"a\"","action":"Action::\"v\"","resource":"D::\"d\"","context":{"n":\#(literal)}}"#
        #expect(PolicyEvaluation.hasNonIntegerNumber(line) == refused, "\(literal)")
    }
}
