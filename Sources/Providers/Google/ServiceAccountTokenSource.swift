import Foundation
import JWTKit

/// Access tokens for a Google service account (Vertex AI): signs an RS256 assertion with the account's key,
/// exchanges it at the token endpoint (JWT bearer grant) and caches the token until `expires_in` minus the
/// refresh margin. Concurrent callers share one exchange. A failed refresh while the cached token is still
/// valid keeps using that token; with no valid token the failure is thrown.
public actor ServiceAccountTokenSource: GoogleAccessTokenSource {
    /// Posts a form body to the token endpoint: `(url, body) → (status, body)`. Injectable for tests.
    public typealias Exchange = @Sendable (_ url: String, _ formBody: [UInt8]) async throws -> (status: Int, body: [UInt8])

    public static let defaultTokenEndpoint = "https://oauth2.googleapis.com/token"
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

    public nonisolated let provider: String
    /// Where assertions are exchanged; also their `aud`.
    public nonisolated let tokenEndpoint: String
    public nonisolated let scopes: [String]
    private nonisolated let key: ServiceAccountKey
    private let refreshMargin: Duration
    private let exchange: Exchange
    private let now: @Sendable () -> Date

    private struct CachedToken: Sendable {
        let value: String
        let expiresAt: Date
        /// When a caller starts a refresh instead of using the token.
        let refreshAt: Date
    }

    private var current: CachedToken?
    private var refreshing: Task<CachedToken, any Error>?
    private var signer: (any JWTAlgorithm)?

    /// Checks the key file and the endpoint now, so a bad credential stops start-up, not the first call.
    /// `tokenEndpoint` defaults to the key's `token_uri`, else Google's token endpoint.
    public init(
        provider: String, serviceAccountJSON: String, tokenEndpoint: String? = nil,
        scopes: [String] = [ServiceAccountTokenSource.cloudPlatformScope], refreshMargin: Duration = .seconds(300),
        exchange: @escaping Exchange, now: @escaping @Sendable () -> Date = Date.init
    ) throws(UpstreamError) {
        let key: ServiceAccountKey
        do {
            key = try ServiceAccountKey(json: serviceAccountJSON)
        } catch {
            throw .misconfigured(provider: provider, reason: error.description)
        }
        let endpoint = tokenEndpoint ?? key.tokenURI ?? Self.defaultTokenEndpoint
        guard ServiceAccountKey.isAcceptableTokenEndpoint(endpoint) else {
            throw .misconfigured(provider: provider, reason: "token endpoint is not an https URL (http only on loopback)")
        }
        guard !scopes.isEmpty, scopes.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw .misconfigured(provider: provider, reason: "service account scopes must be non-empty words")
        }
        self.provider = provider
        self.key = key
        self.tokenEndpoint = endpoint
        self.scopes = scopes
        self.refreshMargin = refreshMargin
        self.exchange = exchange
        self.now = now
    }

    /// The account the tokens are for (no key material).
    public nonisolated var account: String { key.description }

    public func accessToken() async throws(UpstreamError) -> String {
        if let current, now() < current.refreshAt { return current.value }
        let task: Task<CachedToken, any Error>
        if let refreshing {
            task = refreshing
        } else {
            task = Task { try await self.fetch() }
            refreshing = task
        }
        do {
            let token = try await task.value
            if refreshing == task { refreshing = nil }
            if token.expiresAt > (current?.expiresAt ?? .distantPast) { current = token }
            return token.value
        } catch {
            if refreshing == task { refreshing = nil }
            if let current, now() < current.expiresAt { return current.value }
            throw (error as? UpstreamError) ?? .unreachable(provider: provider, reason: "token exchange failed")
        }
    }

    /// One exchange: sign a fresh assertion, post it, read the token.
    private func fetch() async throws(UpstreamError) -> CachedToken {
        let algorithm: any JWTAlgorithm
        if let signer {
            algorithm = signer
        } else {
            do {
                algorithm = try await ServiceAccountAssertion.signer(for: key)
            } catch {
                throw .misconfigured(provider: provider, reason: "service account key cannot sign RS256")
            }
            signer = algorithm
        }
        let issuedAt = now()
        let assertion = ServiceAccountAssertion(key: key, scopes: scopes, audience: tokenEndpoint, issuedAt: issuedAt)
        let body: [UInt8]
        do {
            body = assertion.formBody(assertion: try assertion.signed(with: algorithm))
        } catch {
            throw .misconfigured(provider: provider, reason: "service account assertion could not be signed")
        }
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await exchange(tokenEndpoint, body)
        } catch let error as UpstreamError {
            throw error
        } catch {
            throw .unreachable(provider: provider, reason: "token endpoint not reachable")
        }
        let token = try GoogleTokenResponse.read(status: answer.status, body: answer.body, provider: provider)
        let lifetime = Duration.seconds(token.expiresIn)
        // A token shorter-lived than twice the margin is refreshed at half its life instead.
        let margin = min(refreshMargin, lifetime / 2)
        let expiresAt = issuedAt.addingTimeInterval(TimeInterval(token.expiresIn))
        let refreshAt = expiresAt.addingTimeInterval(-Self.seconds(margin))
        return CachedToken(value: token.accessToken, expiresAt: expiresAt, refreshAt: refreshAt)
    }

    private static func seconds(_ d: Duration) -> TimeInterval {
        TimeInterval(d.components.seconds) + TimeInterval(d.components.attoseconds) / 1e18
    }
}
