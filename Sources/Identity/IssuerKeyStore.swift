import Foundation
import Logging
import Synchronization

/// Seconds since the Unix epoch; injectable so tests control expiry, throttling and staleness.
protocol IdentityClock: Sendable {
    func now() -> Double
}

struct SystemIdentityClock: IdentityClock {
    func now() -> Double { Date().timeIntervalSince1970 }
}

/// The cached keys of one issuer and the rules for refreshing them:
/// - requests read an immutable `VerificationKeys` snapshot (one short lock, no I/O);
/// - the background loop refreshes on the server's Cache-Control max-age (at least 60 s, at most
///   `jwks_refresh_seconds`), backing off on failure;
/// - an unknown kid may trigger one on-demand fetch per 30 s per issuer, so forged tokens cannot flood the IdP;
/// - concurrent fetches are merged into one;
/// - when fetches fail, the last good keys serve until `jwks_max_staleness_seconds` after they were fetched,
///   then the issuer's tokens are refused (never accepted unverified).
final class IssuerKeyStore: Sendable {
    static let onDemandInterval: Double = 30
    static let minimumRefreshInterval: Double = 60

    private struct State {
        var keys: VerificationKeys?
        /// Bumped whenever the loaded key set differs from the previous one (see `VerifiedTokenCache`).
        var generation: UInt64 = 0
        var document: Data?
        var fetchedAt: Double?
        var refreshAfter: Double = 60
        var lastOnDemandFetch: Double?
        var inflight: Task<Bool, Never>?
        var consecutiveFailures = 0
        var fetchCount = 0
    }

    let issuer: IssuerConfiguration
    private let source: any JWKSSource
    private let clock: any IdentityClock
    private let logger: Logger
    private let allowedAlgorithms: Set<String>
    private let state = Mutex(State())
    private let onKeySetChange: @Sendable () -> Void

    init(issuer: IssuerConfiguration, source: any JWKSSource, clock: any IdentityClock, logger: Logger,
         onKeySetChange: @escaping @Sendable () -> Void = {}) {
        self.issuer = issuer
        self.source = source
        self.clock = clock
        self.logger = logger
        self.allowedAlgorithms = Set(issuer.algorithms)
        self.onKeySetChange = onKeySetChange
    }

    /// The keys usable now: loaded and not older than the allowed staleness.
    func currentKeys() -> VerificationKeys? { currentKeysAndGeneration()?.keys }

    /// The usable keys with their generation (which changes whenever the key set does).
    func currentKeysAndGeneration() -> (keys: VerificationKeys, generation: UInt64)? {
        let now = clock.now()
        return state.withLock { s in
            guard let keys = s.keys, let at = s.fetchedAt, now - at <= Double(issuer.jwksMaxStalenessSeconds) else { return nil }
            return (keys, s.generation)
        }
    }

    /// The generation of the usable keys; nil when none are usable.
    func currentGeneration() -> UInt64? {
        let now = clock.now()
        return state.withLock { s in
            guard s.keys != nil, let at = s.fetchedAt, now - at <= Double(issuer.jwksMaxStalenessSeconds) else { return nil }
            return s.generation
        }
    }

    var isReady: Bool { currentKeys() != nil }

    /// Number of fetches started (for tests and metrics).
    var fetchCount: Int { state.withLock { $0.fetchCount } }

    /// A fetch for a kid the cached keys do not know. Joins a fetch in flight; otherwise at most one per 30 s.
    /// Returns whether fresh keys were loaded.
    func refreshForUnknownKey() async -> Bool {
        let now = clock.now()
        let task: Task<Bool, Never>? = state.withLock { s in
            if let inflight = s.inflight { return inflight }
            if let last = s.lastOnDemandFetch, now - last < Self.onDemandInterval { return nil }
            s.lastOnDemandFetch = now
            return startFetch(&s)
        }
        guard let task else { return false }
        return await task.value
    }

    /// A scheduled refresh (joins a fetch in flight). Returns the delay until the next one.
    func refresh() async -> Double {
        let task = state.withLock { s in s.inflight ?? startFetch(&s) }
        let ok = await task.value
        return state.withLock { s in
            if ok { return s.refreshAfter }
            // 5 s, 10 s, 20 s ... up to 5 minutes.
            return min(300, 5 * pow(2, Double(min(s.consecutiveFailures - 1, 6))))
        }
    }

    private func startFetch(_ s: inout State) -> Task<Bool, Never> {
        s.fetchCount += 1
        let task = Task { await self.fetchAndLoad() }
        s.inflight = task
        return task
    }

    private func fetchAndLoad() async -> Bool {
        var loaded: VerificationKeys?
        var document: Data?
        var maxAge: Int?
        do {
            let fetched = try await source.fetch()
            document = fetched.document
            let keys = try await VerificationKeys.load(jwks: fetched.document, allowedAlgorithms: allowedAlgorithms)
            for problem in keys.skipped {
                logger.warning("JWKS key skipped", metadata: ["issuer": "\(issuer.name)", "problem": "\(problem)"])
            }
            if keys.isEmpty { throw JWKSLocation.Failure(description: "the JWKS holds no usable signing key") }
            loaded = keys
            maxAge = fetched.maxAge
        } catch {
            logger.error("JWKS refresh failed; keeping the last good keys",
                         metadata: ["issuer": "\(issuer.name)", "error": "\(error)"])
        }
        let now = clock.now()
        let (ok, changed) = state.withLock { s -> (Bool, Bool) in
            s.inflight = nil
            guard let loaded else {
                s.consecutiveFailures += 1
                return (false, false)
            }
            s.consecutiveFailures = 0
            let changed = s.document != document
            if changed { s.generation &+= 1 }
            s.document = document
            s.keys = loaded
            s.fetchedAt = now
            let upper = Double(issuer.jwksRefreshSeconds)
            s.refreshAfter = max(Self.minimumRefreshInterval, min(upper, maxAge.map(Double.init) ?? upper))
            return (true, changed)
        }
        if changed { onKeySetChange() }
        return ok
    }
}
