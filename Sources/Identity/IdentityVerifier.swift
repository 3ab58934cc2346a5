import AsyncHTTPClient
import Core
import Foundation
import Logging

/// A configuration the verifier cannot start with (bad mapping pointer, unreadable secret...).
public struct IdentitySetupFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Authenticates every request: a bearer JWT from a trusted issuer, or an mTLS client certificate with a SPIFFE
/// ID, becomes a `Principal`; anything else is an `AuthenticationFailure`.
///
/// Per request nothing is fetched: keys are cached per issuer (see `IssuerKeyStore`). Call `run()` once in the
/// background (it loads and refreshes keys until cancelled) and use `readiness()` for the readiness probe.
public final class IdentityVerifier: Sendable {
    private let issuers: [String: TrustedIssuer]
    let stores: [IssuerKeyStore]
    /// Tokens verified before (nil when `token_cache_entries` is 0).
    let tokenCache: VerifiedTokenCache?
    private let spiffe: SPIFFEAuthenticator?
    private let actorChain: ActorChain
    let delegation: WorkloadDelegation
    let senderConstraint: SenderConstraint
    private let upstream: UpstreamUserID?
    private let clock: any IdentityClock
    private let logger: Logger

    /// - Throws: `IdentitySetupFailure` (or `SecretReference.Failure`) when the configuration cannot be used.
    /// - Parameter dpopReplayStore: where used DPoP proofs are remembered (a store shared by the replicas);
    ///   default in memory.
    public convenience init(
        configuration: IdentityConfiguration, httpClient: HTTPClient, logger: Logger, dpopReplayStore: (any DPoPReplayStore)? = nil
    ) throws {
        try self.init(
            configuration: configuration, clock: SystemIdentityClock(), logger: logger,
            environment: ProcessInfo.processInfo.environment, dpopReplayStore: dpopReplayStore
        ) { issuer in
            if let file = issuer.jwksFile { return FileJWKSSource(path: file) }
            return HTTPJWKSSource(client: httpClient, issuer: issuer.issuer, jwksURI: issuer.jwksURI, logger: logger)
        }
    }

    /// The development issuer's keys are served in-process; no HTTP fetch, same verification path.
    public convenience init(configuration: IdentityConfiguration, developmentIssuer: DevelopmentIssuer,
                            httpClient: HTTPClient, logger: Logger, dpopReplayStore: (any DPoPReplayStore)? = nil) throws {
        let jwks = Data(developmentIssuer.jwksJSON().utf8)
        try self.init(
            configuration: configuration, clock: SystemIdentityClock(), logger: logger,
            environment: ProcessInfo.processInfo.environment, dpopReplayStore: dpopReplayStore
        ) { issuer in
            if issuer.issuer == developmentIssuer.issuer { return StaticJWKSSource(document: jwks) }
            if let file = issuer.jwksFile { return FileJWKSSource(path: file) }
            return HTTPJWKSSource(client: httpClient, issuer: issuer.issuer, jwksURI: issuer.jwksURI, logger: logger)
        }
    }

    init(
        configuration: IdentityConfiguration, clock: any IdentityClock, logger: Logger,
        environment: [String: String], dpopReplayStore: (any DPoPReplayStore)? = nil, source: (IssuerConfiguration) -> any JWKSSource
    ) throws {
        var issuers: [String: TrustedIssuer] = [:]
        var stores: [IssuerKeyStore] = []
        let cache = configuration.tokenCacheEntries > 0 ? VerifiedTokenCache(capacity: configuration.tokenCacheEntries) : nil
        if let problem = IdentityConfiguration.groupNamespaceProblem(configuration.issuers) {
            throw IdentitySetupFailure(description: problem)
        }
        for issuer in configuration.issuers {
            if let problem = issuer.validationProblem() {
                throw IdentitySetupFailure(description: "issuer \(issuer.name): \(problem.key.rawValue): \(problem.message)")
            }
            // A changed key set (rotation, a key removed) drops every remembered verification.
            let store = IssuerKeyStore(issuer: issuer, source: source(issuer), clock: clock, logger: logger) {
                cache?.removeAll()
            }
            do {
                issuers[issuer.issuer] = try TrustedIssuer(configuration: issuer, keys: store)
            } catch {
                throw IdentitySetupFailure(description: "issuer \(issuer.name): \(error)")
            }
            stores.append(store)
        }
        self.issuers = issuers
        let delegationConfiguration = configuration.delegation ?? DelegationConfiguration()
        self.actorChain = ActorChain(issuers: issuers, maxDepth: delegationConfiguration.maxActorDepth)
        self.delegation = WorkloadDelegation(configuration: delegationConfiguration)
        self.senderConstraint = SenderConstraint(
            dpop: try configuration.dpop.map { try DPoPVerifier(configuration: $0, environment: environment, replayStore: dpopReplayStore) },
            clock: clock)
        self.stores = stores
        self.tokenCache = cache
        self.spiffe = try configuration.mtls.map(SPIFFEAuthenticator.init)
        self.upstream = try UpstreamUserID(configuration: configuration.upstreamUserID, environment: environment)
        self.clock = clock
        self.logger = logger
    }

    /// Verifies the presented credential: an access token (`Authorization: Bearer|DPoP`, or `x-api-key`) with
    /// its sender constraint when it has one; otherwise the mTLS client certificate chain. A workload that also
    /// carries a user's token (`delegation.user_token_header`) is checked as a delegation: the principal is then
    /// the user, with the workload as nearest actor.
    /// - Parameter audience: a resource the token must be issued for (RFC 8707: an MCP server's URI), instead
    ///   of the issuers' configured audiences. A token for the gateway's LLM APIs does not open an MCP server.
    public func authenticate(_ credentials: Credentials, audience: String? = nil) async throws(AuthenticationFailure) -> Principal {
        let presented = try PresentedToken.read(credentials)
        if !credentials.userTokens.isEmpty {
            return try await delegation.principal(credentials, presented: presented, audience: audience, verifier: self)
        }
        if let presented {
            var verified = try await verify(presented.token, audience: audience)
            verified.principal.tokenBinding = try await senderConstraint.check(verified.confirmation, presented: presented, credentials: credentials).binding
            return verified.principal
        }
        if !credentials.dpopProofs.isEmpty { throw AuthenticationFailure(.invalidDPoPProof, "a DPoP proof came without an access token") }
        if !credentials.clientCertificateChain.isEmpty { return try await certificatePrincipal(credentials) }
        throw AuthenticationFailure(.missingCredentials)
    }

    /// The service a verified mTLS client certificate names.
    func certificatePrincipal(_ credentials: Credentials) async throws(AuthenticationFailure) -> Principal {
        guard let spiffe else { throw AuthenticationFailure(.untrustedTrustDomain, "client certificates are not accepted") }
        return try await spiffe.authenticate(chain: credentials.clientCertificateChain)
    }

    /// Verifies one access token (signature, claims, actors), from the cache when the byte-identical token was
    /// verified before for the same audience.
    func verify(_ token: Substring, audience: String?) async throws(AuthenticationFailure) -> VerifiedToken {
        guard token.utf8.count <= CompactToken.maximumBytes else { throw AuthenticationFailure(.tokenTooLarge) }
        let now = clock.now()
        // A token is remembered per audience it was checked against.
        let digest = tokenCache.map { _ in VerifiedTokenCache.digest(audience.map { Substring($0 + "\u{0}" + token) } ?? token) }
        if let digest, let cached = tokenCache?.token(digest, now: now) { return cached }
        let parsed = try CompactToken(token)
        guard let iss = parsed.claims["iss"]?.stringValue, let issuer = issuers[iss] else {
            throw AuthenticationFailure(.untrustedIssuer)
        }
        let verified = try await issuer.verify(parsed, now: now, audience: audience)
        var principal = verified.principal
        principal.actors = try actorChain.actors(claims: parsed.claims, issuer: issuer, principal: principal)
        let result = VerifiedToken(
            principal: principal, confirmation: try TokenConfirmation.read(parsed.claims),
            client: issuer.mapping.client(in: parsed.claims), mayAct: parsed.claims["may_act"])
        if let digest, let cache = tokenCache {
            cache.insert(digest, VerifiedTokenCache.Entry(
                token: result, keys: issuer.keys, generation: verified.generation,
                validFrom: verified.validFrom, validUntil: verified.validUntil), now: now)
        }
        return result
    }

    /// Loads every issuer's keys, then keeps them fresh (Cache-Control max-age, bounded by
    /// `jwks_refresh_seconds`, retries with back-off). Returns when the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for store in stores {
                group.addTask {
                    while !Task.isCancelled {
                        let delay = await store.refresh()
                        try? await Task.sleep(for: .seconds(delay))
                    }
                }
            }
        }
    }

    /// True when every configured issuer has usable (loaded, not too stale) keys.
    public func readiness() -> Bool { stores.allSatisfy(\.isReady) }

    /// The server nonce a DPoP client is to put in its next proof (nil when DPoP is off).
    public func dpopNonce() -> String? { senderConstraint.dpop?.currentNonce(now: clock.now()) }

    /// The header in which a workload carries the user's token (lower case).
    public var userTokenHeader: String { delegation.header }

    /// The pseudonymous id to send to providers (`user` field), or nil when `upstream_user_id.mode` is `none`.
    public func upstreamUserID(for principal: Principal) -> String? { upstream?.pseudonym(for: principal) }

    /// Issuer names and key ids currently loaded (for `/readyz` details and logs; no key material).
    public func loadedKeyIDs() -> [String: [String]] {
        var out: [String: [String]] = [:]
        for store in stores { out[store.issuer.name] = store.currentKeys()?.keyIDs ?? [] }
        return out
    }
}

extension IdentityVerifier {
    /// Fetches every issuer's keys once (concurrently) and returns `readiness()`. Call before accepting traffic
    /// to avoid refusing the first requests while `run()` starts; `run()` then keeps the keys fresh.
    @discardableResult
    public func loadKeys() async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { _ = await store.refresh() } }
        }
        return readiness()
    }

    /// One scheduled refresh of every issuer, in order; returns each issuer's next delay in seconds (tests).
    func refreshAll() async -> [Double] {
        var delays: [Double] = []
        for store in stores { delays.append(await store.refresh()) }
        return delays
    }
}
