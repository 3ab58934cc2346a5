import Core
import Foundation
import Testing
@testable import Policy

@Suite("Gateway policy engine")
struct PolicyEngineTests {
    static let groups: EntityStore = try! EntityStore([
        Entity(uid: EntityUID(type: "Group", id: "backend"), parents: [EntityUID(type: "Group", id: "engineers")]),
        Entity(uid: EntityUID(type: "Group", id: "engineers"), parents: [EntityUID(type: "Group", id: "staff")]),
        Entity(uid: EntityUID(type: "Group", id: "staff")),
        Entity(uid: EntityUID(type: "Role", id: "admin"), parents: [EntityUID(type: "Role", id: "operator")]),
    ])

    static let external = ModelDescriptor(
        name: "gpt-4o", provider: "openai", upstreamModel: "gpt-4o-2024", hosting: "external", region: "us",
        tier: "premium", allowedDataClasses: ["public"])

    static func engine(_ text: String, actionGroups: [String: [String]] = PolicyEngine.defaultActionGroups) throws -> PolicyEngine {
        try PolicyEngine(
            policies: PolicySet(parsing: text), entities: groups, actionGroups: actionGroups,
            hasher: { "h\($0.utf8.count)" })
    }

    static func query(
        groups: [String] = ["backend"], roles: [String] = [], operation: Core.Operation = .chatCompletions,
        purpose: String? = "codegen", findings: [Finding] = [], sourceIP: String? = "10.1.2.3",
        time: Date = Date(timeIntervalSince1970: 1_767_607_200)
    ) -> PolicyQuery {
        PolicyQuery(
            principal: Principal(
                issuer: "https://idp", subject: "alice", kind: .user, email: "a@example.com", groups: groups,
                roles: roles, scopes: ["llm"], tenant: "acme"),
            operation: operation, model: external, purpose: purpose, dataClassification: nil, tools: ["search"],
            stream: true, estimatedInputTokens: 120, maxTokens: nil, sourceIP: sourceIP, time: time, findings: findings)
    }

    @Test func mapsTheRequestAsDocumented() throws {
        let engine = try Self.engine("""
            @id("all") permit(principal is User in Group::"staff", action in Action::"inference", resource == Model::"gpt-4o")
            when {
              principal.id == "https://idp#alice" && principal.email == "a@example.com" && principal.tenant == "acme" &&
              principal.kind == "user" && principal.scopes.contains("llm") && principal.groups.contains("backend") &&
              !(principal has acr) && principal in Group::"engineers" &&
              resource.provider == "openai" && resource.hosting == "external" && resource.region == "us" &&
              resource.tier == "premium" && resource.allowed_data_classes == ["public"] &&
              context.purpose == "codegen" && !(context has classification) && context.tools == ["search"] &&
              context.stream && context.input_tokens == 120 && context.max_tokens == 0 &&
              context.source_ip.isInRange(ip("10.0.0.0/8")) && context.hour == 10 && context.weekday == "mon" &&
              context.findings == ["pii.email.regex", "pii.email"] && context.finding_categories == ["pii"]
            };
            """)
        let q = Self.query(findings: [Finding(detector: "pii.email.regex", category: "pii.email", start: 0, end: 3, score: 1)])
        let d = engine.decide(q)
        #expect(d.errors == [])
        #expect(d.effect == .allow)
        #expect(d.determiningPolicies == ["all"])
        #expect(d.policySetHash == "h\(engine.policies.source.utf8.count)")
    }

    @Test func forbidOverridesPermitAndNamesThePolicy() throws {
        let engine = try Self.engine("""
            permit(principal, action, resource);
            @id("no-pii-external") forbid(principal, action in Action::"inference", resource)
            when { resource.hosting == "external" && context.finding_categories.contains("pii") };
            """)
        let pii = Finding(detector: "pii.sg_nric.checked", category: "pii.sg_nric", start: 0, end: 9, score: 1)
        let denied = engine.decide(Self.query(findings: [pii]))
        #expect(denied.effect == .deny)
        #expect(denied.determiningPolicies == ["no-pii-external"])
        #expect(denied.obligations == .none)
        #expect(engine.decide(Self.query()).determiningPolicies == ["policy0"])
    }

    @Test func defaultDenyAndErroringPolicySkipped() throws {
        let engine = try Self.engine("""
            @id("needs-classification") permit(principal, action, resource) when { context.classification == "public" };
            """)
        let d = engine.decide(Self.query())
        #expect(d.effect == .deny)
        #expect(d.determiningPolicies == [])
        #expect(d.errors.count == 1)
        #expect(d.errors[0].hasPrefix("needs-classification: record does not have the attribute `classification`"))
    }

    @Test func contextSaysWhichAPIWasUsed() throws {
        let engine = try Self.engine("""
            @id("inference") permit(principal, action in Action::"inference", resource);
            @id("no-anthropic-external") forbid(principal, action in Action::"inference", resource)
            when { context has api && context.api == "anthropic.messages" && resource.hosting == "external" };
            """)
        var q = Self.query(operation: .messages)
        q.api = "anthropic.messages"
        #expect(engine.decide(q).determiningPolicies == ["no-anthropic-external"])
        q.api = "openai.chat_completions"
        q.operation = .chatCompletions
        #expect(engine.decide(q).determiningPolicies == ["inference"])
    }

    @Test func actionGroupsAndModelsList() throws {
        let engine = try Self.engine("""
            @id("inference") permit(principal, action in Action::"inference", resource);
            @id("list") permit(principal, action == Action::"models.list", resource is Model);
            """)
        for op: Core.Operation in [.chatCompletions, .responses, .messages, .messagesCountTokens, .embeddings] {
            #expect(engine.decide(Self.query(operation: op)).determiningPolicies == ["inference"], "\(op)")
        }
        #expect(engine.decide(Self.query(operation: .modelsList)).determiningPolicies == ["list"])
        let custom = try Self.engine(
            "permit(principal, action in Action::\"chat\", resource);", actionGroups: ["chat": ["chat.completions"]])
        #expect(custom.decide(Self.query(operation: .chatCompletions)).isAllowed)
        #expect(!custom.decide(Self.query(operation: .embeddings)).isAllowed)
    }

    @Test func rolesAndGroupsAreParentsWithAncestors() throws {
        let engine = try Self.engine("""
            @id("ops") permit(principal in Role::"operator", action, resource);
            """)
        #expect(engine.decide(Self.query(groups: [], roles: ["admin"])).isAllowed)
        #expect(!engine.decide(Self.query(groups: ["admin"], roles: [])).isAllowed)
    }

    @Test func obligationsMergeMostRestrictive() throws {
        let engine = try Self.engine("""
            @guardrails("standard") @max_tokens("4096") @tools("search,calc") @redact("secret") @cache_scope("global")
            permit(principal, action, resource);
            @guardrails("strict") @max_tokens("1024") @tools("search,code") @redact("pii") @pseudonymise("pii.email")
            @cache_scope("tenant")
            permit(principal in Group::"engineers", action, resource);
            """)
        let o = engine.decide(Self.query()).obligations
        #expect(o.guardrailProfile == "strict")
        #expect(o.maxTokens == 1024)
        #expect(o.allowedTools == ["search"])
        #expect(o.redact == ["secret", "pii"])
        #expect(o.pseudonymise == ["pii.email"])
        #expect(o.cacheScope == .tenant)
        let outsider = engine.decide(Self.query(groups: []))
        #expect(outsider.obligations.maxTokens == 4096)
        #expect(outsider.obligations.allowedTools == ["search", "calc"])
    }

    @Test(arguments: [
        "@max_tokens(\"lots\") permit(principal, action, resource);",
        "@max_tokens(\"-1\") permit(principal, action, resource);",
        "@guardrails(\"paranoid\") permit(principal, action, resource);",
        "@cache_scope(\"world\") permit(principal, action, resource);",
    ])
    func invalidObligationAnnotationsAreLoadErrors(text: String) {
        #expect(throws: PolicyEngineError.self) { try Self.engine(text) }
    }

    @Test func sourceAddressForms() {
        #expect(PolicyRequestMapping.sourceAddress("::ffff:10.0.0.1") == (try? IPAddress.parse("10.0.0.1").get()))
        #expect(PolicyRequestMapping.sourceAddress("[2001:db8::1]")?.isV6 == true)
        #expect(PolicyRequestMapping.sourceAddress("not-an-ip") == nil)
    }

    @Test func unparsableSourceIPIsOmitted() throws {
        let engine = try Self.engine("permit(principal, action, resource) unless { context has source_ip };")
        #expect(engine.decide(Self.query(sourceIP: "garbage")).isAllowed)
        #expect(!engine.decide(Self.query(sourceIP: "192.168.0.1")).isAllowed)
    }

    @Test func weekdayAndHourAreUTC() {
        // 2026-12-06 23:30 UTC is a Sunday.
        let c = PolicyRequestMapping.context(for: Self.query(time: Date(timeIntervalSince1970: 1_796_599_800)))
        guard case .record(let r) = c else { return #expect(Bool(false)) }
        #expect(r["weekday"] == .string("sun"))
        #expect(r["hour"] == .long(23))
    }
}

@Suite("Policy engine: refused requests")
struct PolicyRefusalTests {
    @Test func groupNamesCannotInjectSyntax() throws {
        let engine = try PolicyEngineTests.engine("""
            @id("eng") permit(principal in Group::"engineers", action, resource);
            """)
        for hostile in ["engineers\" || true", "Group::\"engineers\"", "engineers ", "ENGINEERS", "engineers\u{0}"] {
            #expect(!engine.decide(PolicyEngineTests.query(groups: [hostile])).isAllowed, "\(hostile)")
        }
        #expect(engine.decide(PolicyEngineTests.query(groups: ["engineers"])).isAllowed)
    }

    @Test func anErroringForbidDoesNotDenyAsInCedar() throws {
        // Cedar skips a policy whose condition errors; write forbids defensively (`context has x && ...`).
        let engine = try PolicyEngineTests.engine("""
            permit(principal, action, resource);
            @id("careless") forbid(principal, action, resource) when { context.classification == "secret" };
            @id("careful") forbid(principal, action, resource) when { context has classification && context.classification == "secret" };
            """)
        let d = engine.decide(PolicyEngineTests.query())
        #expect(d.isAllowed)
        #expect(d.errors.count == 1 && d.errors[0].hasPrefix("careless:"))
    }

    @Test func noPolicyNoAccess() throws {
        let engine = try PolicyEngineTests.engine("")
        let d = engine.decide(PolicyEngineTests.query())
        #expect(d.effect == .deny && d.determiningPolicies.isEmpty && d.errors.isEmpty)
    }
}

/// Delegated calls: the user is the principal, the actor chain is in the context.
@Suite struct DelegationPolicyTests {
    static func query(actors: [String], binding: Principal.TokenBinding = .none, groups: [String] = []) -> PolicyQuery {
        var p = Principal(issuer: "https://idp", subject: "alice", kind: .user, groups: ["backend"])
        p.actors = actors.map { Principal.Actor(issuer: "https://idp", subject: $0, groups: groups, source: .workload) }
        p.tokenBinding = binding
        return PolicyQuery(
            principal: p, operation: .chatCompletions, model: PolicyEngineTests.external, purpose: "summarise",
            dataClassification: nil, tools: [], stream: false, estimatedInputTokens: 10, maxTokens: nil, sourceIP: nil,
            time: Date(timeIntervalSince1970: 1_767_607_200), findings: [])
    }

    @Test func policiesCanAllowOneActorAndDenyAnother() throws {
        let engine = try PolicyEngineTests.engine("""
            @id("direct") permit(principal in Group::"backend", action, resource) when { !context.delegated };
            @id("rag-summarises") permit(principal in Group::"backend", action, resource)
            when { context.actor == Service::"https://idp#rag-api" && context.purpose == "summarise" };
            @id("no-scraper") forbid(principal, action, resource) when { context.actors.contains(Service::"https://idp#scraper") };
            """)
        #expect(engine.decide(Self.query(actors: [])).effect == .allow)
        let rag = engine.decide(Self.query(actors: ["rag-api"]))
        #expect(rag.effect == .allow)
        #expect(rag.determiningPolicies == ["rag-summarises"])
        #expect(engine.decide(Self.query(actors: ["batch"])).effect == .deny)
        // The scraper anywhere in the chain is refused, even behind the RAG service.
        let chain = engine.decide(Self.query(actors: ["rag-api", "scraper"]))
        #expect(chain.effect == .deny)
        #expect(chain.determiningPolicies == ["no-scraper"])
    }

    @Test func actorsAreEntitiesWithGroupsAndTheBindingIsInTheContext() throws {
        let engine = try PolicyEngineTests.engine("""
            @id("bound-services") permit(principal, action, resource)
            when { context.actor in Group::"engineers" && context.actor.source == "workload" && context.actor_depth == 1 &&
                   context.token_binding != "none" };
            """)
        #expect(engine.decide(Self.query(actors: ["rag-api"], binding: .dpop, groups: ["backend"])).effect == .allow)
        #expect(engine.decide(Self.query(actors: ["rag-api"], binding: .none, groups: ["backend"])).effect == .deny)
        #expect(engine.decide(Self.query(actors: ["rag-api"], binding: .mtls, groups: ["other"])).effect == .deny)
        // Without an actor, `context.actor` is absent: the condition errors, and the policy does not apply.
        let direct = engine.decide(Self.query(actors: [], binding: .dpop))
        #expect(direct.effect == .deny)
    }
}
