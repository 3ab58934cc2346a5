import Audit
import Core
import Database
import Guardrails
import Identity
import Limits
import Providers

/// `portcullis.yaml`: one file, one section per control. Unknown keys and wrong types stop start-up
/// with file, line, key and what was expected (see `ConfigurationLoader`).
public struct GatewayConfiguration: Sendable, Decodable {
    public var server: ServerConfiguration
    public var providers: [String: ProviderConfiguration]
    /// Each model's primary descriptor (its first target), in configuration order.
    public var models: [ModelDescriptor]
    /// Each model's targets, retry and timeouts.
    public var routes: [ModelRoute]
    public var identity: IdentityConfiguration
    public var policy: PolicyConfiguration
    public var guardrails: GuardrailsConfiguration
    /// Injection, jailbreak, harmful-request and exfiltration detection (and the optional external judge).
    public var intent: IntentConfiguration
    public var audit: AuditConfiguration
    public var limits: LimitsConfiguration
    public var observability: ObservabilityConfiguration
    public var administration: AdministrationConfiguration
    /// Per client API: extra request fields the operator allows (see `APIsConfiguration`).
    public var apis: APIsConfiguration
    /// MCP servers behind `/mcp/<name>`.
    public var mcp: MCPConfiguration
    /// The PostgreSQL database the replicas share (none: every store is embedded in this process).
    public var database: DatabaseConfiguration?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, providers, models, identity, policy, guardrails, intent, audit, limits, observability, administration, apis, mcp
        case database
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        server = try c.decodeIfPresent(ServerConfiguration.self, forKey: .server) ?? ServerConfiguration()
        providers = try c.decode([String: ProviderConfiguration].self, forKey: .providers)
        let modelEntries = try c.decode([ModelConfiguration].self, forKey: .models)
        models = modelEntries.map(\.descriptor)
        routes = modelEntries.map(\.route)
        identity = try c.decode(IdentityConfiguration.self, forKey: .identity)
        policy = try c.decode(PolicyConfiguration.self, forKey: .policy)
        guardrails = try c.decodeIfPresent(GuardrailsConfiguration.self, forKey: .guardrails) ?? GuardrailsConfiguration()
        intent = try c.decodeIfPresent(IntentConfiguration.self, forKey: .intent) ?? IntentConfiguration()
        audit = try c.decodeIfPresent(AuditConfiguration.self, forKey: .audit) ?? AuditConfiguration()
        limits = try c.decodeIfPresent(LimitsConfiguration.self, forKey: .limits) ?? LimitsConfiguration()
        observability = try c.decodeIfPresent(ObservabilityConfiguration.self, forKey: .observability) ?? ObservabilityConfiguration()
        administration = try c.decodeIfPresent(AdministrationConfiguration.self, forKey: .administration) ?? AdministrationConfiguration()
        apis = try c.decodeIfPresent(APIsConfiguration.self, forKey: .apis) ?? APIsConfiguration()
        mcp = try c.decodeIfPresent(MCPConfiguration.self, forKey: .mcp) ?? MCPConfiguration()
        database = try c.decodeIfPresent(DatabaseConfiguration.self, forKey: .database)
        try Self.checkTokenExchangeUse(identityExchange: identity.tokenExchange != nil, providers: providers, servers: mcp.servers)
        let sources = IdentitySources(identity)
        limits = try sources.qualify(limits, path: [CodingKeys.limits])
        try administration.resolve(sources, path: [CodingKeys.administration])
        guard !models.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .models, in: c, debugDescription: "expected at least one model")
        }
        var seen = Set<String>()
        for (i, model) in models.enumerated() {
            let path = [CodingKeys.models as any CodingKey, AnyCodingKey(intValue: i)]
            let targets = routes[i].targets
            for (t, target) in targets.enumerated() where providers[target.descriptor.provider] == nil {
                let at = modelEntries[i].listsTargets ? path + [AnyCodingKey(stringValue: "targets"), AnyCodingKey(intValue: t)] : path
                throw DecodingError.dataCorrupted(.init(
                    codingPath: at + [AnyCodingKey(stringValue: "provider")],
                    debugDescription: "unknown provider '\(target.descriptor.provider)'; expected one of: \(providers.keys.sorted().joined(separator: ", "))"))
            }
            guard seen.insert(model.name).inserted else {
                throw DecodingError.dataCorrupted(.init(codingPath: path + [AnyCodingKey(stringValue: "name")], debugDescription: "duplicate model name '\(model.name)'"))
            }
            // A model without a price would pass every budget: with budgets, a price (or an explicit free) is required.
            if !limits.budgets.isEmpty && !modelEntries[i].hasPrice && !modelEntries[i].free {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: path + [AnyCodingKey(stringValue: "input_price_per_million")],
                    debugDescription: "budgets are configured but model '\(model.name)' has no price: set input_price_per_million and output_price_per_million, or free: true"))
            }
        }
    }

    /// Loads and validates a configuration file.
    public static func load(path: String) throws -> GatewayConfiguration {
        try ConfigurationLoader.load(GatewayConfiguration.self, path: path)
    }
}

/// Logging, metrics and traces.
public struct ObservabilityConfiguration: Sendable, Decodable {
    /// trace, debug, info, notice, warning, error, critical.
    public var logLevel: String
    /// `json` (one object per line, for log shippers) or `text`.
    public var logFormat: String
    /// OpenTelemetry traces (off by default).
    public var tracing: TracingConfiguration
    /// When set, `GET /metrics` answers only `Authorization: Bearer <this secret>` (a scraper's token, from a
    /// reference); unset, it is open, as a Prometheus endpoint usually is inside the network.
    public var metricsBearer: SecretReference?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case logLevel = "log_level"
        case logFormat = "log_format"
        case tracing
        case metricsBearer = "metrics_bearer"
    }

    public init(
        logLevel: String = "info", logFormat: String = "json", tracing: TracingConfiguration = TracingConfiguration(),
        metricsBearer: SecretReference? = nil
    ) {
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.tracing = tracing
        self.metricsBearer = metricsBearer
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        logLevel = try c.decodeIfPresent(String.self, forKey: .logLevel) ?? "info"
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw DecodingError.dataCorruptedError(forKey: .logLevel, in: c, debugDescription: "expected trace, debug, info, notice, warning, error or critical")
        }
        logFormat = try c.decodeIfPresent(String.self, forKey: .logFormat) ?? "json"
        guard ["json", "text"].contains(logFormat) else {
            throw DecodingError.dataCorruptedError(forKey: .logFormat, in: c, debugDescription: "expected json or text")
        }
        tracing = try c.decodeIfPresent(TracingConfiguration.self, forKey: .tracing) ?? TracingConfiguration()
        metricsBearer = try c.decodeIfPresent(SecretReference.self, forKey: .metricsBearer)
    }
}
