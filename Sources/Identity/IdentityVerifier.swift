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
    private let upstream: UpstreamUserID?
    private let clock: any IdentityClock
    private let logger: Logger

    /// - Throws: `IdentitySetupFailure` (or `SecretReference.Failure`) when the configuration cannot be used.
    public convenience init(configuration: IdentityConfiguration, httpClient: HTTPClient, logger: Logger) throws {
        try self.init(
            configuration: configuration, clock: SystemIdentityClock(), logger: logger,
            environment: ProcessInfo.processInfo.environment
        ) { issuer in
            if let file = issuer.jwksFile { return FileJWKSSource(path: file) }
            return HTTPJWKSSource(client: httpClient, issuer: issuer.issuer, jwksURI: issuer.jwksURI, logger: logger)
        }
    }

    /// The development issuer's keys are served in-process; no HTTP fetch, same verification path.
    public convenience init(configuration: IdentityConfiguration, developmentIssuer: DevelopmentIssuer,
                            httpClient: HTTPClient, logger: Logger) throws {
        let jwks = Data(developmentIssuer.jwksJSON().utf8)
        try self.init(
            configuration: configuration, clock: SystemIdentityClock(), logger: logger,
            environment: ProcessInfo.processInfo.environment
        ) { issuer in
            if issuer.issuer == developmentIssuer.issuer { return StaticJWKSSource(document: jwks) }
            if let file = issuer.jwksFile { return FileJWKSSource(path: file) }
            return HTTPJWKSSource(client: httpClient, issuer: issuer.issuer, jwksURI: issuer.jwksURI, logger: logger)
        }
    }

    init(
        configuration: IdentityConfiguration, clock: any IdentityClock, logger: Logger,
        environment: [String: String], source: (IssuerConfiguration) -> any JWKSSource
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
        self.stores = stores
        self.tokenCache = cache
        self.spiffe = try configuration.mtls.map(SPIFFEAuthenticator.init)
        self.upstream = try UpstreamUserID(configuration: configuration.upstreamUserID, environment: environment)
        self.clock = clock
        self.logger = logger
    }

    /// Verifies the presented credential. A bearer token (Authorization or x-api-key) is used when present;
    /// otherwise the mTLS client certificate chain.
    /// - Parameter audience: a resource the token must be issued for (RFC 8707: an MCP server's URI), instead
    ///   of the issuers' configured audiences. A token for the gateway's LLM APIs does not open an MCP server.
    public func authenticate(_ credentials: Credentials, audience: String? = nil) async throws(AuthenticationFailure) -> Principal {
        if let token = try Self.bearerToken(credentials) {
            guard token.utf8.count <= CompactToken.maximumBytes else { throw AuthenticationFailure(.tokenTooLarge) }
            let now = clock.now()
            // A token is remembered per audience it was checked against.
            let digest = tokenCache.map { _ in VerifiedTokenCache.digest(audience.map { Substring($0 + "\u{0}" + token) } ?? token) }
            if let digest, let principal = tokenCache?.principal(digest, now: now) { return principal }
            let parsed = try CompactToken(token)
            guard let iss = parsed.claims["iss"]?.stringValue, let issuer = issuers[iss] else {
                throw AuthenticationFailure(.untrustedIssuer)
            }
            let verified = try await issuer.verify(parsed, now: now, audience: audience)
            if let digest, let cache = tokenCache {
                cache.insert(digest, VerifiedTokenCache.Entry(
                    principal: verified.principal, keys: issuer.keys, generation: verified.generation,
                    validFrom: verified.validFrom, validUntil: verified.validUntil), now: now)
            }
            return verified.principal
        }
        if !credentials.clientCertificateChain.isEmpty {
            guard let spiffe else { throw AuthenticationFailure(.untrustedTrustDomain, "client certificates are not accepted") }
            return try await spiffe.authenticate(chain: credentials.clientCertificateChain)
        }
        throw AuthenticationFailure(.missingCredentials)
    }

    /// The raw bearer token, or nil when no bearer credential was sent. Byte-level on purpose: Foundation's
    /// trimming walks UTF-16 and cost more than the signature check (measured).
    static func bearerToken(_ credentials: Credentials) throws(AuthenticationFailure) -> Substring? {
        let fromAuthorization = try credentials.authorization.map { (v: String) throws(AuthenticationFailure) in
            try stripBearer(v, required: true)
        }
        var fromAPIKey: Substring?
        if let key = credentials.apiKeyHeader {
            let value = try stripBearer(key, required: false)
            fromAPIKey = value.isEmpty ? nil : value
        }
        if let a = fromAuthorization, let b = fromAPIKey, a != b {
            throw AuthenticationFailure(.malformedCredentials, "Authorization and x-api-key carry different credentials")
        }
        return fromAuthorization ?? fromAPIKey
    }

    /// `Bearer <token>` (scheme case-insensitive) → token; without `required`, a bare value is the token.
    private static func stripBearer(_ value: String, required: Bool) throws(AuthenticationFailure) -> Substring {
        if value.utf8.count > CompactToken.maximumBytes + 64 { throw AuthenticationFailure(.tokenTooLarge) }
        let trimmed = trimASCIIWhitespace(Substring(value))
        let utf8 = trimmed.utf8
        let scheme = Array("bearer".utf8)
        var hasScheme = utf8.count > scheme.count
        if hasScheme {
            var i = utf8.startIndex
            for c in scheme {
                if utf8[i] | 0x20 != c { hasScheme = false; break }
                i = utf8.index(after: i)
            }
            if hasScheme && utf8[i] != UInt8(ascii: " ") && utf8[i] != UInt8(ascii: "\t") { hasScheme = false }
        }
        guard hasScheme else {
            if required { throw AuthenticationFailure(.malformedCredentials) }
            return trimmed
        }
        let token = trimASCIIWhitespace(trimmed.dropFirst(scheme.count))
        guard !token.isEmpty else { throw AuthenticationFailure(.malformedCredentials) }
        return token
    }

    static func trimASCIIWhitespace(_ s: Substring) -> Substring {
        var start = s.utf8.startIndex
        var end = s.utf8.endIndex
        while start < end, s.utf8[start] == 0x20 || s.utf8[start] == 0x09 { start = s.utf8.index(after: start) }
        while end > start {
            let before = s.utf8.index(before: end)
            guard s.utf8[before] == 0x20 || s.utf8[before] == 0x09 else { break }
            end = before
        }
        return Substring(s.utf8[start..<end])
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
