import Core
import Foundation

/// The YAML file `portcullis policy test` runs: policies, optional entities and models, and cases
/// with expected decisions. Paths are relative to the YAML file. See docs/policy.md.
struct PolicyTestFile: Decodable {
    var policies: [String]
    var entities: String?
    var actionGroups: [String: [String]]?
    var models: [TestModel]
    var cases: [TestCase]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policies, entities, actionGroups = "action_groups", models, cases
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let one = try? c.decode(String.self, forKey: .policies) {
            policies = [one]
        } else {
            policies = try c.decode([String].self, forKey: .policies)
        }
        entities = try c.decodeIfPresent(String.self, forKey: .entities)
        actionGroups = try c.decodeIfPresent([String: [String]].self, forKey: .actionGroups)
        models = try c.decodeIfPresent([TestModel].self, forKey: .models) ?? []
        cases = try c.decode([TestCase].self, forKey: .cases)
    }
}

struct TestModel: Decodable {
    var name: String
    var provider: String
    var hosting: String
    var region: String?
    var tier: String?
    var allowedDataClasses: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, provider, hosting, region, tier, allowedDataClasses = "allowed_data_classes"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        provider = try c.decodeIfPresent(String.self, forKey: .provider) ?? "openai"
        hosting = try c.decodeIfPresent(String.self, forKey: .hosting) ?? "external"
        region = try c.decodeIfPresent(String.self, forKey: .region)
        tier = try c.decodeIfPresent(String.self, forKey: .tier)
        allowedDataClasses = try c.decodeIfPresent([String].self, forKey: .allowedDataClasses) ?? []
    }

    var descriptor: ModelDescriptor {
        ModelDescriptor(
            name: name, provider: provider, upstreamModel: name, hosting: hosting, region: region, tier: tier,
            allowedDataClasses: allowedDataClasses)
    }
}

struct TestCase: Decodable {
    enum Expectation: String, Decodable { case allow, deny }

    var name: String
    /// Gateway form: what the gateway would ask.
    var request: TestRequest?
    /// Cedar form: principal/action/resource as `Type::"id"` or {type, id}, context and entities in Cedar JSON.
    var principal: JSONValue?
    var action: JSONValue?
    var resource: JSONValue?
    var context: JSONValue?
    var entities: JSONValue?
    var expect: Expectation
    var expectPolicies: [String]?
    var expectObligations: TestObligations?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, request, principal, action, resource, context, entities, expect
        case expectPolicies = "expect_policies", expectObligations = "expect_obligations"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        request = try c.decodeIfPresent(TestRequest.self, forKey: .request)
        principal = try c.decodeIfPresent(JSONValue.self, forKey: .principal)
        action = try c.decodeIfPresent(JSONValue.self, forKey: .action)
        resource = try c.decodeIfPresent(JSONValue.self, forKey: .resource)
        context = try c.decodeIfPresent(JSONValue.self, forKey: .context)
        entities = try c.decodeIfPresent(JSONValue.self, forKey: .entities)
        expect = try c.decode(Expectation.self, forKey: .expect)
        expectPolicies = try c.decodeIfPresent([String].self, forKey: .expectPolicies)
        expectObligations = try c.decodeIfPresent(TestObligations.self, forKey: .expectObligations)
    }
}

struct TestObligations: Decodable {
    var guardrails: String?
    var maxTokens: Int?
    var redact: [String]?
    var pseudonymise: [String]?
    var tools: [String]?
    var cacheScope: String?
    var requestsPerMinute: Int?
    var callsPerDay: Int?
    var arguments: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case guardrails, maxTokens = "max_tokens", redact, pseudonymise, tools, cacheScope = "cache_scope"
        case requestsPerMinute = "requests_per_minute", callsPerDay = "calls_per_day", arguments
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guardrails = try c.decodeIfPresent(String.self, forKey: .guardrails)
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
        redact = try c.decodeIfPresent([String].self, forKey: .redact)
        pseudonymise = try c.decodeIfPresent([String].self, forKey: .pseudonymise)
        tools = try c.decodeIfPresent([String].self, forKey: .tools)
        cacheScope = try c.decodeIfPresent(String.self, forKey: .cacheScope)
        requestsPerMinute = try c.decodeIfPresent(Int.self, forKey: .requestsPerMinute)
        callsPerDay = try c.decodeIfPresent(Int.self, forKey: .callsPerDay)
        arguments = try c.decodeIfPresent([String].self, forKey: .arguments)
    }

    /// Differences from the actual obligations; only the keys given are checked.
    func mismatches(_ o: Obligations) -> [String] {
        var out: [String] = []
        if let g = guardrails, g != o.guardrailProfile?.name { out.append("guardrails \(o.guardrailProfile?.name ?? "none"), expected \(g)") }
        if let m = maxTokens, m != o.maxTokens { out.append("max_tokens \(o.maxTokens.map(String.init) ?? "none"), expected \(m)") }
        if let r = redact, Set(r) != o.redact { out.append("redact \(o.redact.sorted()), expected \(r.sorted())") }
        if let p = pseudonymise, Set(p) != o.pseudonymise {
            out.append("pseudonymise \(o.pseudonymise.sorted()), expected \(p.sorted())")
        }
        if let t = tools, Set(t) != o.allowedTools {
            out.append("tools \(o.allowedTools.map { "\($0.sorted())" } ?? "unrestricted"), expected \(t.sorted())")
        }
        if let s = cacheScope, s != o.cacheScope?.rawValue { out.append("cache_scope \(o.cacheScope?.rawValue ?? "none"), expected \(s)") }
        if let r = requestsPerMinute, r != o.requestsPerMinute { out.append("requests_per_minute \(o.requestsPerMinute.map(String.init) ?? "none"), expected \(r)") }
        if let d = callsPerDay, d != o.callsPerDay { out.append("calls_per_day \(o.callsPerDay.map(String.init) ?? "none"), expected \(d)") }
        if let a = arguments, Set(a) != o.allowedArguments {
            out.append("arguments \(o.allowedArguments.map { "\($0.sorted())" } ?? "unrestricted"), expected \(a.sorted())")
        }
        return out
    }
}
