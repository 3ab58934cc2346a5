import Core
import Foundation

/// A gateway-form test request: the facts the gateway would put in a `PolicyQuery`.
struct TestRequest: Decodable {
    var principal: TestPrincipal
    var operation: Core.Operation
    var model: String?
    var purpose: String?
    var classification: String?
    var tools: [String]
    var stream: Bool
    var inputTokens: Int
    var maxTokens: Int?
    var sourceIP: String?
    var time: Date
    /// Finding categories (or `category:detector`), e.g. `pii.email`.
    var findings: [String]
    /// For MCP operations: the server, tool, resource or prompt (see `TestMCPTarget`).
    var mcp: TestMCPTarget?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case principal, operation, model, purpose, classification, tools, stream, mcp
        case inputTokens = "input_tokens", maxTokens = "max_tokens", sourceIP = "source_ip", time, findings
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        principal = try c.decode(TestPrincipal.self, forKey: .principal)
        operation = try c.decode(Core.Operation.self, forKey: .operation)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        purpose = try c.decodeIfPresent(String.self, forKey: .purpose)
        classification = try c.decodeIfPresent(String.self, forKey: .classification)
        tools = try c.decodeIfPresent([String].self, forKey: .tools) ?? []
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream) ?? false
        inputTokens = try c.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
        sourceIP = try c.decodeIfPresent(String.self, forKey: .sourceIP)
        findings = try c.decodeIfPresent([String].self, forKey: .findings) ?? []
        mcp = try c.decodeIfPresent(TestMCPTarget.self, forKey: .mcp)
        if operation.isMCP, mcp == nil {
            throw DecodingError.dataCorruptedError(forKey: .mcp, in: c, debugDescription: "an MCP operation needs `mcp: {server: ...}`")
        }
        if let text = try c.decodeIfPresent(String.self, forKey: .time) {
            guard let t = ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .time, in: c, debugDescription: "expected an ISO 8601 time like 2026-01-05T10:00:00Z")
            }
            time = t
        } else {
            time = Date(timeIntervalSince1970: 1_767_607_200)  // Monday 2026-01-05 10:00 UTC: tests stay reproducible
        }
    }

    func query(models: [String: ModelDescriptor]) throws -> PolicyQuery {
        var descriptor: ModelDescriptor?
        if let model {
            descriptor = models[model] ?? ModelDescriptor(name: model, provider: "unknown", upstreamModel: model)
        }
        let found = findings.map { text -> Finding in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            return Finding(detector: parts.count == 2 ? parts[1] : parts[0], category: parts[0], start: 0, end: 0, score: 1)
        }
        return PolicyQuery(
            principal: principal.principal, operation: operation, model: descriptor, purpose: purpose,
            dataClassification: classification, tools: tools, stream: stream, estimatedInputTokens: inputTokens,
            maxTokens: maxTokens, sourceIP: sourceIP, time: time, findings: found, api: mcp == nil ? nil : "mcp",
            mcp: mcp.map { $0.target(for: operation) })
    }
}

/// What an MCP test request acts on: `{server, name?, definition_hash?, read_only?, destructive?, idempotent?,
/// open_world?, arguments?}`. The kind follows the operation (lists: the server; `tools/call`: a tool;
/// `resources/read`: a resource, `name` its URI; `prompts/get`: a prompt). Without `arguments` a call is
/// decided as the gateway decides a listing (`context.listing`).
struct TestMCPTarget: Decodable {
    var server: String
    var name: String
    var definitionHash: String?
    var annotations: MCPTarget.Annotations
    var arguments: JSONValue?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, name, arguments
        case definitionHash = "definition_hash", readOnly = "read_only", destructive, idempotent, openWorld = "open_world"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        server = try c.decode(String.self, forKey: .server)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        definitionHash = try c.decodeIfPresent(String.self, forKey: .definitionHash)
        let readOnly = try c.decodeIfPresent(Bool.self, forKey: .readOnly) ?? false
        annotations = MCPTarget.Annotations(
            readOnly: readOnly, destructive: try c.decodeIfPresent(Bool.self, forKey: .destructive) ?? !readOnly,
            idempotent: try c.decodeIfPresent(Bool.self, forKey: .idempotent) ?? readOnly,
            openWorld: try c.decodeIfPresent(Bool.self, forKey: .openWorld) ?? true)
        arguments = try c.decodeIfPresent(JSONValue.self, forKey: .arguments)
    }

    func target(for operation: Core.Operation) -> MCPTarget {
        let kind: MCPTarget.Kind = switch operation {
        case .toolsCall: .tool
        case .resourcesRead: .resource
        case .promptsGet: .prompt
        case .toolsList, .resourcesList, .promptsList, .chatCompletions, .responses, .embeddings, .modelsList, .messages, .messagesCountTokens: .server
        }
        return MCPTarget(
            kind: kind, server: server, name: kind == .server ? "" : name, definitionHash: definitionHash,
            annotations: kind == .tool ? annotations : nil, arguments: arguments)
    }
}

struct TestPrincipal: Decodable {
    var principal: Principal

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subject, issuer, kind, name, email, groups, roles, scopes, tenant, acr, actors
        case tokenBinding = "token_binding"
    }

    /// One actor of a test principal's chain, nearest first: `{subject, issuer?, name?, groups?, roles?, source?}`.
    struct TestActor: Decodable {
        var actor: Principal.Actor

        enum CodingKeys: String, CodingKey, CaseIterable { case subject, issuer, name, groups, roles, source }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            actor = Principal.Actor(
                issuer: try c.decodeIfPresent(String.self, forKey: .issuer) ?? "https://idp.example",
                subject: try c.decode(String.self, forKey: .subject), kind: .service,
                name: try c.decodeIfPresent(String.self, forKey: .name),
                groups: try c.decodeIfPresent([String].self, forKey: .groups) ?? [],
                roles: try c.decodeIfPresent([String].self, forKey: .roles) ?? [],
                source: try c.decodeIfPresent(Principal.Actor.Source.self, forKey: .source) ?? .actClaim)
        }
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        principal = Principal(
            issuer: try c.decodeIfPresent(String.self, forKey: .issuer) ?? "https://idp.example",
            subject: try c.decode(String.self, forKey: .subject),
            kind: try c.decodeIfPresent(Principal.Kind.self, forKey: .kind) ?? .user,
            name: try c.decodeIfPresent(String.self, forKey: .name),
            email: try c.decodeIfPresent(String.self, forKey: .email),
            groups: try c.decodeIfPresent([String].self, forKey: .groups) ?? [],
            roles: try c.decodeIfPresent([String].self, forKey: .roles) ?? [],
            scopes: try c.decodeIfPresent([String].self, forKey: .scopes) ?? [],
            tenant: try c.decodeIfPresent(String.self, forKey: .tenant),
            acr: try c.decodeIfPresent(String.self, forKey: .acr),
            actors: (try c.decodeIfPresent([TestActor].self, forKey: .actors) ?? []).map(\.actor),
            tokenBinding: try c.decodeIfPresent(Principal.TokenBinding.self, forKey: .tokenBinding) ?? .none)
    }
}
