import AsyncHTTPClient
import Audit
import AuditStreaming
import Core
import Crypto
import Database
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Guardrails
import Hummingbird
import Identity
import Limits
import Logging
import MCP
import NIOCore
import Policy
import Providers
import ServiceLifecycle

/// Everything one gateway process runs, assembled from a validated configuration: provider clients,
/// the controls, the pipeline, the HTTP routes, and the background services (policy reload, key refresh).
public final class GatewayRuntime: Sendable {
    public let configuration: GatewayConfiguration
    public let pipeline: Pipeline
    public let routes: GatewayRoutes
    public let httpClient: HTTPClient
    /// The clients of models whose timeouts differ from the default client's.
    let transports: UpstreamTransports
    let identityHTTPClient: HTTPClient
    public let audit: AuditTrail
    /// The collectors of `audit.streams`, sending committed records from the trail's store.
    public let streams: AuditStreams
    public let policies: PolicyStore
    public let guardrails: GuardrailEngine
    public let admission: AdmissionControl
    public let cache: AnswerCache
    public let metrics: GatewayMetrics
    /// The PostgreSQL database shared with the other replicas (`database:`), if any.
    public let database: SharedDatabase?
    /// This replica's name (`database.replica`, else host name and port).
    public let replica: String
    /// The MCP gateway, when `mcp.servers` names any.
    public let mcp: MCPGateway?
    public let backgroundServices: [any Service]
    let logger: Logger

    /// Who verifies identities (step 1).
    public enum IdentitySource: Sendable {
        /// The `identity:` section: trusted issuers (JWKS over HTTP or from files) and mTLS trust domains.
        case configured
        /// As configured, plus the demo's development issuer, whose keys are served in-process.
        case development(DevelopmentIssuer)
        /// A given authenticator (tests).
        case custom(any Authenticating)
    }

    /// - Parameters:
    ///   - baseDirectory: relative file paths in the configuration resolve against it (the config file's folder).
    public init(
        configuration: GatewayConfiguration, identity: IdentitySource = .configured, baseDirectory: String,
        extraReadiness: [ReadinessProbe] = [], extraServices: [any Service] = [],
        textDetectors: [any TextDetector] = [], extraRules: [DetectorRule] = [],
        logger: Logger = Logger(label: "portcullis"), environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws {
        self.configuration = configuration
        self.logger = logger
        let metrics = GatewayMetrics()
        self.metrics = metrics
        let defaultTimeouts = UpstreamTransports.Key(
            connect: .seconds(5), idle: .seconds(configuration.providers.values.map(\.idleTimeoutSeconds).max() ?? 60))
        let clientConfig = Self.upstreamClientConfiguration(connect: defaultTimeouts.connect, idle: defaultTimeouts.idle)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfig)
        self.httpClient = httpClient
        // One client per (connect, idle) pair a model's calls need: AsyncHTTPClient takes both per client.
        var transportKeys = Set<UpstreamTransports.Key>()
        for route in configuration.routes {
            for target in route.targets {
                guard let provider = configuration.providers[target.descriptor.provider] else { continue }
                let t = route.timeouts.resolved(with: provider)
                transportKeys.insert(.init(connect: t.connect, idle: t.idle))
            }
        }
        let transports = UpstreamTransports(keys: transportKeys, fallback: httpClient, fallbackKey: defaultTimeouts) { key in
            HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.upstreamClientConfiguration(connect: key.connect, idle: key.idle))
        }
        self.transports = transports
        // JWKS and discovery fetches: redirects are followed by the identity module, which re-checks each target.
        var identityClientConfig = HTTPClient.Configuration()
        identityClientConfig.redirectConfiguration = .disallow
        identityClientConfig.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let identityClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: identityClientConfig)
        self.identityHTTPClient = identityClient
        replica = configuration.database?.replica ?? "\(ProcessInfo.processInfo.hostName)-\(configuration.server.port)"
        var database: SharedDatabase?
        do {
            if let dbConfig = configuration.database {
                let db = try SharedDatabase(configuration: dbConfig, replica: replica, logger: logger)
                db.start()
                database = db
                logger.notice("shared database", metadata: [
                    "database": .string(db.dsn.redacted), "replica": .string(replica),
                    "stores": .string(dbConfig.stores.map(\.rawValue).sorted().joined(separator: ",")),
                ])
            }
            self.database = database
            let shared = { (store: SharedStore) -> SharedDatabase? in
                configuration.database?.stores.contains(store) == true ? database : nil
            }
            var clients: [String: ProviderClient] = [:]
            for (name, provider) in configuration.providers {
                clients[name] = try ProviderClient.make(name: name, configuration: provider, httpClient: httpClient, environment: environment)
            }
            let registry = ProviderRegistry(clients: clients, routes: configuration.routes, transports: transports)
            metrics.watch(registry.breakers)

            let resolve = { (path: String) in path.hasPrefix("/") ? path : baseDirectory + "/" + path }
            let source = PolicySource(
                policyPaths: configuration.policy.files.map(resolve), entitiesPath: configuration.policy.entities.map(resolve),
                defaultGuardrailProfile: configuration.guardrails.defaultProfile,
                hasher: { Hex.encode(SHA256.hash(data: Array($0.utf8))) })
            policies = try PolicyStore(source: source)
            var detectors = textDetectors
            var rules = extraRules
            var judge: ExternalJudge?
            if configuration.intent.enabled {
                detectors.append(try IntentDetector(configuration: configuration.intent))
                rules += try ExfiltrationDetector(configuration: configuration.intent).rules
                if let judgeConfig = configuration.intent.judge {
                    judge = try ExternalJudge(configuration: judgeConfig, transport: JudgeTransportHTTP(client: httpClient).send, environment: environment)
                }
            }
            guardrails = try GuardrailEngine(configuration: configuration.guardrails, extraRules: rules, textDetectors: detectors)
            let admission: AdmissionControl
            if let db = shared(.limits) {
                admission = AdmissionControl(
                    configuration: configuration.limits, clock: SystemClock(),
                    buckets: try await PostgresRateLimitStore(database: db), budgets: try await PostgresBudgetStore(database: db))
            } else {
                admission = AdmissionControl(configuration: configuration.limits)
            }
            let cache: AnswerCache
            if let db = shared(.cache), configuration.limits.cache.enabled {
                cache = AnswerCache(
                    configuration: configuration.limits.cache, clock: SystemClock(),
                    store: try await PostgresAnswerCacheStore(database: db, maxEntries: configuration.limits.cache.maxEntries))
            } else {
                cache = AnswerCache(configuration: configuration.limits.cache)
            }
            metrics.watch(admission, cache: cache)
            self.admission = admission
            self.cache = cache
            var auditConfig = configuration.audit
            auditConfig.path = resolve(auditConfig.path)
            try FileManager.default.createDirectory(atPath: (auditConfig.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if let db = shared(.audit) {
                audit = try await AuditTrail.open(configuration: auditConfig, store: try await PostgresAuditStore(database: db, logger: logger), logger: logger)
            } else {
                audit = try await AuditTrail.open(configuration: auditConfig, logger: logger)
            }
            let dpopReplayStore: (any DPoPReplayStore)? = if let db = shared(.dpopReplay) { try await PostgresDPoPReplayStore(database: db) } else { nil }

            let authenticator: any Authenticating
            var upstreamUserID: @Sendable (Principal) -> String? = { _ in nil }
            var identityServices: [any Service] = []
            var identityProbes: [ReadinessProbe] = []
            var identityConfig = configuration.identity
            identityConfig.issuers = identityConfig.issuers.map { issuer in
                var issuer = issuer
                issuer.jwksFile = issuer.jwksFile.map(resolve)
                return issuer
            }
            if var mtls = identityConfig.mtls {
                mtls.trustDomains = mtls.trustDomains.map { domain in
                    var domain = domain
                    domain.caBundle = domain.caBundle.map(resolve)
                    return domain
                }
                identityConfig.mtls = mtls
            }
            switch identity {
            case .custom(let given):
                authenticator = given
            case .configured, .development:
                let verifier: IdentityVerifier
                if case .development(let dev) = identity {
                    verifier = try IdentityVerifier(
                        configuration: identityConfig, developmentIssuer: dev, httpClient: identityClient, logger: logger,
                        dpopReplayStore: dpopReplayStore)
                } else {
                    verifier = try IdentityVerifier(
                        configuration: identityConfig, httpClient: identityClient, logger: logger, dpopReplayStore: dpopReplayStore)
                }
                _ = await verifier.loadKeys()
                authenticator = IdentityStage(verifier: verifier)
                upstreamUserID = { verifier.upstreamUserID(for: $0) }
                identityServices = [BackgroundTask(name: "jwks-refresh") { await verifier.run() }]
                identityProbes = [ReadinessProbe(name: "identity") { verifier.readiness() }]
            }

            // Upstreams that take a token of their own for the user (`token_exchange:`), exchanged over the
            // identity client (no redirects followed).
            let tokens = UpstreamTokens(exchanger: try configuration.identity.tokenExchange.map {
                try TokenExchanger(configuration: $0, httpClient: identityClient, logger: logger, environment: environment)
            })
            let guardStage = GuardrailStage(engine: guardrails, judge: judge)
            // Traces, when on: their exporter runs as a service of the process (first in, so it stops last and flushes).
            let traceExport = configuration.observability.tracing.enabled
                ? try TraceExport(configuration: configuration.observability.tracing, resolve: resolve, environment: environment, logger: logger) : nil
            pipeline = Pipeline(
                authenticate: authenticator,
                understand: DialectUnderstanding(extraFields: configuration.apis),
                inspectRequest: guardStage,
                decide: PolicyStage(store: policies),
                admit: LimitsStage(
                    control: admission, cache: cache,
                    userBoundModels: Set(registry.routes.values.filter { route in
                        route.targets.contains { registry.clients[$0.descriptor.provider]?.configuration.tokenExchange != nil }
                    }.map(\.name))),
                applyObligations: ObligationStage(enforce: guardStage.enforce, rewritesAnswers: { [guardrails] in guardrails.rewritesAnswers(obligations: $0) }),
                forward: ProviderForwarder(registry: registry, upstreamUserID: upstreamUserID, logger: logger, tokens: tokens),
                inspectAnswer: guardStage,
                record: AuditStage(
                    trail: audit, failOpen: configuration.audit.failMode == .open, metrics: metrics, logger: logger,
                    currency: configuration.limits.currency, redaction: RedactedContent(engine: guardrails)),
                models: registry, metrics: metrics, tracing: traceExport?.tracing ?? .off, hidePolicyIDs: configuration.policy.hidePolicyIDs,
                maxBodyBytes: configuration.server.maxBodyBytes, logger: logger)

            let sharedSessions: PostgresMCPSessionStore? =
                if let db = shared(.mcpSessions), !configuration.mcp.servers.isEmpty { try await PostgresMCPSessionStore(database: db) } else { nil }
            let sharedPins: (any ToolPinStore)? =
                if let db = shared(.mcpPins), !configuration.mcp.servers.isEmpty { try await PostgresToolPinStore(database: db) } else { nil }
            mcp = try Self.makeMCPGateway(
                configuration: configuration, pipeline: pipeline, engine: guardrails, client: httpClient, resolve: resolve,
                environment: environment, tokens: tokens, limits: admission.toolCallLimits(), logger: logger,
                sharedPins: sharedPins, sharedSessions: sharedSessions)
            let audit = self.audit
            // Last of the things that can fail: an HTTPS stream's client must be shut down once made.
            streams = try await AuditStreams(
                configurations: auditConfig.streams, store: audit.store, committedSequence: { audit.committedSequence },
                resolve: resolve, environment: environment, logger: logger)
            metrics.watch(streams: streams.streams.map(\.health))
            let databaseProbes = database.map { db in [ReadinessProbe(name: "database") { (try? await db.ping()) != nil }] } ?? []
            let probes = [ReadinessProbe(name: "audit") { await audit.isHealthy() }] + databaseProbes
                + clients.values.sorted { $0.name < $1.name }.map { client in ReadinessProbe(name: "upstream:\(client.name)") { await client.probe() } }
                + streams.streams.map { stream in ReadinessProbe(name: "audit_stream:\(stream.configuration.name)") { stream.health.isReady() } }
                + identityProbes + extraReadiness
            routes = GatewayRoutes(
                pipeline: pipeline, readiness: probes, logger: logger,
                readsClientCertificates: configuration.server.tls?.clientCA != nil,
                userTokenHeader: identityConfig.delegation?.userTokenHeader ?? DelegationConfiguration.defaultHeader,
                readinessFacts: { [policies, replica] in [("replica", replica), ("policy_set_hash", policies.engine.policySetHash)] },
                metricsBearer: try configuration.observability.metricsBearer.map { try $0.resolve(environment: environment) })
            let policies = self.policies
            metrics.watchPolicySet(replica: replica) { policies.engine.policySetHash }
            let watcher = PolicyFileWatcher(store: policies, interval: .milliseconds(Int64(configuration.policy.reloadIntervalSeconds * 1000))) { error in
                if let error {
                    metrics.count("policy_reload_failures", help: "Policy reloads refused (the previous set stays active)")
                    logger.error("policy reload refused; keeping the previous policy set", metadata: ["error": .string(error.description)])
                } else {
                    metrics.count("policy_reloads", help: "Policy sets loaded after a change")
                    logger.notice("policy set reloaded", metadata: ["hash": .string(policies.engine.policySetHash)])
                }
            }
            backgroundServices = (traceExport.map { [$0.service] } ?? []) + [BackgroundTask(name: "policy-reload") { await watcher.run() }]
                + identityServices + extraServices
            Self.releaseStartupMemory()
            streams.start()
        } catch {
            database?.close()
            await transports.shutdown()
            try? await httpClient.shutdown()
            try? await identityClient.shutdown()
            throw error
        }
    }

    /// Compiling the guardrail databases allocates far more than the compiled result keeps; glibc holds
    /// on to the freed pages, which would stay in the process's resident set for its whole life.
    /// `malloc_trim` is glibc's (malloc.h, not in Swift's Glibc module): looked up, and skipped elsewhere.
    static func releaseStartupMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }

    /// The HTTP client every provider call goes through.
    /// - Parameters:
    ///   - connect: time allowed to establish a connection; `idle`: the longest silence while reading an answer.
    public static func upstreamClientConfiguration(connect: Duration, idle: Duration) -> HTTPClient.Configuration {
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .milliseconds(connect.wholeMilliseconds), read: .milliseconds(idle.wholeMilliseconds))
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 8192)
        // A refused or failed connection fails the call at once (502), retried by `ProviderClient` only as
        // `max_retries` says — not silently re-attempted by the pool until the request deadline.
        config.connectionPool.retryConnectionEstablishment = false
        // Upstream answers are asked for and accepted uncompressed only (see `UpstreamEndpoint`): the
        // guardrails read every byte, and no decompression bomb can reach the gateway.
        config.decompression = .disabled
        // A provider redirect is never followed: it would carry the gateway's provider credential to
        // wherever the redirect points (`ProviderClient` answers 502 for it).
        config.redirectConfiguration = .disallow
        // No tracer is configured: without this the client opens a no-op span per request (measured: ~1%).
        config.tracing.tracer = nil
        return config
    }

    /// Reloads policies now (SIGHUP). A broken set is refused and the current one stays.
    public func reloadPolicies() {
        do {
            try policies.reload()
            metrics.count("policy_reloads", help: "Policy sets loaded after a change")
            logger.notice("policy set reloaded", metadata: ["hash": .string(policies.engine.policySetHash)])
        } catch {
            metrics.count("policy_reload_failures", help: "Policy reloads refused (the previous set stays active)")
            logger.error("policy reload refused; keeping the previous policy set", metadata: ["error": .string(error.description)])
        }
    }

    /// The Hummingbird application serving the routes (plus any extra routes, e.g. the demo issuer).
    public func makeApplication(
        extraRoutes: @Sendable (Router<GatewayRequestContext>) -> Void = { _ in },
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router(context: GatewayRequestContext.self)
        routes.register(on: router)
        AuditRoutes(trail: audit).register(on: router)
        UsageRoutes(routes: routes, admission: admission, administration: configuration.administration).register(on: router)
        if let mcp { MCPRoutes(gateway: mcp, routes: routes, allowedOrigins: Set(configuration.mcp.allowedOrigins)).register(on: router) }
        extraRoutes(router)
        let server = configuration.server
        return Application(
            router: router, server: try ListenerSetup.server(server),
            configuration: .init(address: .hostname(server.host, port: server.port), serverName: nil),
            onServerRunning: onServerRunning, logger: logger)
    }

    /// Releases what the runtime holds, after the server has drained. The audit streams get a last attempt
    /// (at most 5 s) to send what is left; closing the trail waits for end records still being written in
    /// the background.
    public func shutdown() async {
        if !streams.streams.isEmpty {
            // End records still being written go out with the streams' last batch.
            let deadline = ContinuousClock.now + .seconds(5)
            while audit.backgroundWritesInFlight > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
            await streams.stop(drain: .seconds(5))
        }
        await audit.close()
        database?.close()
        await transports.shutdown()
        try? await httpClient.shutdown()
        try? await identityHTTPClient.shutdown()
    }
}
