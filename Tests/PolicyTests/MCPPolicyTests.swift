import Core
import Foundation
import Testing
@testable import Policy

@Suite("MCP policy mapping")
struct MCPPolicyTests {
    static func engine(_ text: String) throws -> PolicyEngine {
        try PolicyEngine(policies: PolicySet(parsing: text), entities: PolicyEngineTests.groups, hasher: { "h\($0.utf8.count)" })
    }

    static func query(_ operation: Core.Operation, _ target: MCPTarget, groups: [String] = ["backend"], findings: [Finding] = []) -> PolicyQuery {
        PolicyQuery(
            principal: Principal(issuer: "https://idp", subject: "alice", kind: .user, groups: groups),
            operation: operation, model: nil, findings: findings, api: "mcp", mcp: target)
    }

    static func tool(_ name: String, readOnly: Bool = true, destructive: Bool = false, arguments: JSONValue? = nil) -> MCPTarget {
        MCPTarget(
            kind: .tool, server: "tickets", name: name, definitionHash: "abc",
            annotations: .init(readOnly: readOnly, destructive: destructive, idempotent: readOnly, openWorld: false), arguments: arguments)
    }

    @Test func toolsAreEntitiesOfTheirServerWithPinnedAnnotations() throws {
        let engine = try Self.engine("""
            @id("read") permit(principal in Group::"staff", action == Action::"tools/call", resource in MCPServer::"tickets")
            when { resource.read_only && resource.definition_hash == "abc" && context.server == "tickets" && context.method == "tools/call" };
            @id("no-destructive") forbid(principal, action == Action::"tools/call", resource is Tool) when { resource.destructive };
            """)
        #expect(engine.decide(Self.query(.toolsCall, Self.tool("search"))).determiningPolicies == ["read"])
        #expect(engine.decide(Self.query(.toolsCall, Self.tool("drop", readOnly: false, destructive: true))).isAllowed == false)
        // Default deny: nothing permits another server's tool, or anyone outside staff.
        var other = Self.tool("search")
        other.server = "billing"
        #expect(engine.decide(Self.query(.toolsCall, other)).isAllowed == false)
        #expect(engine.decide(Self.query(.toolsCall, Self.tool("search"), groups: ["contractors"])).isAllowed == false)
    }

    @Test func argumentsAreARecordAndListingHasNone() throws {
        let engine = try Self.engine("""
            @id("call") permit(principal, action == Action::"tools/call", resource == Tool::"tickets/search");
            @id("only-public-projects") forbid(principal, action == Action::"tools/call", resource == Tool::"tickets/search")
            when { context has arguments && !(context.arguments has project && context.arguments.project like "public-*") };
            @id("small-limit") forbid(principal, action == Action::"tools/call", resource) when { context has arguments && context.arguments has limit && context.arguments.limit > 50 };
            @id("ratio") forbid(principal, action == Action::"tools/call", resource) when { context has arguments && context.arguments has ratio && context.arguments.ratio.greaterThan(decimal("0.5")) };
            """)
        let listing = Self.tool("search")
        #expect(engine.decide(Self.query(.toolsCall, listing)).isAllowed)
        let ok = Self.tool("search", arguments: .object(["project": .string("public-docs"), "limit": .integer(10), "tags": .array([.string("a")]), "note": .null]))
        #expect(engine.decide(Self.query(.toolsCall, ok)).isAllowed)
        #expect(engine.decide(Self.query(.toolsCall, Self.tool("search", arguments: .object(["project": .string("secret-hr")])))).isAllowed == false)
        #expect(engine.decide(Self.query(.toolsCall, Self.tool("search", arguments: .object(["project": .string("public-a"), "limit": .integer(500)])))).isAllowed == false)
        #expect(engine.decide(Self.query(.toolsCall, Self.tool("search", arguments: .object(["project": .string("public-a"), "ratio": .number(0.75)])))).isAllowed == false)
        #expect(engine.decide(Self.query(.toolsCall, Self.tool("search", arguments: .object(["project": .string("public-a"), "ratio": .number(0.25)])))).isAllowed)
    }

    @Test func listsActOnTheServerAndTheMCPGroupCoversEveryMethod() throws {
        let engine = try Self.engine("""
            @id("lists") permit(principal, action in [Action::"tools/list", Action::"prompts/list"], resource == MCPServer::"tickets");
            @id("mcp-all") permit(principal in Group::"engineers", action in Action::"mcp", resource is Prompt);
            """)
        #expect(engine.decide(Self.query(.toolsList, MCPTarget(kind: .server, server: "tickets"))).isAllowed)
        #expect(engine.decide(Self.query(.resourcesList, MCPTarget(kind: .server, server: "tickets"))).isAllowed == false)
        #expect(engine.decide(Self.query(.promptsGet, MCPTarget(kind: .prompt, server: "tickets", name: "summarise"))).determiningPolicies == ["mcp-all"])
        #expect(engine.decide(Self.query(.resourcesRead, MCPTarget(kind: .resource, server: "tickets", name: "notes://x"))).isAllowed == false)
    }

    @Test func callBudgetIsAnObligation() throws {
        let engine = try Self.engine("""
            @id("budgeted") @calls_per_day("20") @requests_per_minute("5") permit(principal, action == Action::"tools/call", resource);
            """)
        let decision = engine.decide(Self.query(.toolsCall, Self.tool("search")))
        #expect(decision.obligations.callsPerDay == 20 && decision.obligations.requestsPerMinute == 5)
        #expect(throws: PolicyEngineError.self) { try Self.engine(#"@calls_per_day("many") permit(principal, action, resource);"#) }
    }
}

@Suite("MCP argument obligations")
struct MCPArgumentObligationTests {
    @Test func allowedArgumentsIntersect() throws {
        let engine = try MCPPolicyTests.engine("""
            @id("a") @arguments("query, limit") permit(principal, action == Action::"tools/call", resource);
            @id("b") @arguments("query,project") permit(principal, action == Action::"tools/call", resource is Tool);
            """)
        let decision = engine.decide(MCPPolicyTests.query(.toolsCall, MCPPolicyTests.tool("search")))
        #expect(decision.obligations.allowedArguments == ["query"])
    }
}
