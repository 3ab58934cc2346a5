import AsyncHTTPClient
import Core
import Foundation
import Logging

/// The gateway as an RFC 8693 client of the identity provider: for an upstream that needs a credential of its
/// own for the calling user, it exchanges the caller's user token (`SubjectToken`) for a token issued to that
/// upstream — the user as subject, the gateway as actor — and never sends the caller's token upstream.
///
/// Exchanged tokens are cached per user, actor chain and target until `refresh_margin_seconds` before they
/// expire (`ExchangedTokenCache`, single flight per key). Every failure — no subject token, the endpoint down or
/// slow, an error answer, an unusable answer — throws: callers fail closed and send nothing upstream. Neither the
/// subject token, nor the exchanged or actor token, nor the client secret is ever logged or put in an error.
public final class TokenExchanger: Sendable {
    let configuration: TokenExchangeConfiguration
    private let client: TokenEndpointClient
    private let transport: any TokenEndpointTransport
    private let clock: any IdentityClock
    private let tokens: ExchangedTokenCache
    /// The gateway's own client-credentials token (`actor_token: client_credentials`), under one fixed key.
    private let actorTokens: ExchangedTokenCache
    private let logger: Logger

    /// - Parameter httpClient: a client that does not follow redirects (the identity client).
    /// - Throws: `IdentitySetupFailure` when the configuration is not usable, `SecretReference.Failure` when the
    ///   client secret cannot be resolved.
    public convenience init(
        configuration: TokenExchangeConfiguration, httpClient: HTTPClient, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        try self.init(
            configuration: configuration, transport: HTTPTokenEndpointTransport(client: httpClient, logger: logger),
            clock: SystemIdentityClock(), logger: logger, environment: environment)
    }

    init(
        configuration: TokenExchangeConfiguration, transport: any TokenEndpointTransport, clock: any IdentityClock, logger: Logger,
        environment: [String: String]
    ) throws {
        if let problem = configuration.validationProblem() {
            throw IdentitySetupFailure(description: "token_exchange.\(problem.key.rawValue): \(problem.message)")
        }
        self.configuration = configuration
        client = TokenEndpointClient(
            id: configuration.clientID, secret: try configuration.clientSecret.resolve(environment: environment),
            authentication: configuration.clientAuthentication)
        self.transport = transport
        self.clock = clock
        let margin = Double(configuration.refreshMarginSeconds)
        tokens = ExchangedTokenCache(capacity: configuration.cacheEntries, margin: margin, clock: clock)
        actorTokens = ExchangedTokenCache(capacity: 1, margin: margin, clock: clock)
        self.logger = logger
    }

    /// A token for `target` on behalf of `principal`, whose call presented `subject` (nil: none to exchange).
    public func token(
        for principal: Principal, subject: SubjectToken?, target: TokenExchangeTarget
    ) async throws(TokenExchangeFailure) -> IssuedToken {
        guard let subject else {
            throw TokenExchangeFailure(.noSubjectToken, "the call carries no user token to exchange (a client certificate alone)")
        }
        let key = ExchangedTokenCache.key(principal: principal.id, actors: principal.actors.map(\.id), target: target)
        return try await tokens.token(for: key) { [self] () async throws(TokenExchangeFailure) -> IssuedToken in
            let actorToken: String? = switch configuration.actorToken {
            case .none: nil
            case .clientCredentials: try await gatewayToken().value
            }
            let request = TokenEndpointRequest.exchange(
                subject: subject, subjectTokenType: configuration.subjectTokenType.uri, target: target, actorToken: actorToken, client: client)
            return try await send(request, purpose: "exchange for \(target)")
        }
    }

    /// The gateway's own token (client credentials grant), the `actor_token` of its exchanges.
    func gatewayToken() async throws(TokenExchangeFailure) -> IssuedToken {
        try await actorTokens.token(for: Self.actorKey) { [self] () async throws(TokenExchangeFailure) -> IssuedToken in
            try await send(.clientCredentials(client: client), purpose: "client credentials")
        }
    }

    private static let actorKey = ExchangedTokenCache.key(principal: "", actors: [], target: TokenExchangeTarget(audience: ""))

    private func send(_ request: TokenEndpointRequest, purpose: String) async throws(TokenExchangeFailure) -> IssuedToken {
        do {
            let (status, body) = try await transport.post(url: configuration.tokenEndpoint, request: request, timeoutSeconds: configuration.timeoutSeconds)
            return try IssuedToken.parse(status: status, body: body, now: clock.now(), defaultLifetime: configuration.defaultLifetimeSeconds)
        } catch {
            logger.warning("token exchange failed; the upstream call is refused", metadata: [
                "purpose": .string(purpose), "reason": .string(error.reason.rawValue), "detail": .string(error.detail),
            ])
            throw error
        }
    }

    /// Exchanged tokens held (tests, metrics).
    var cachedTokens: Int { tokens.count }
    /// Calls that waited for an exchange another call had started (tests).
    var joinedExchanges: Int { tokens.joinedExchanges }
}
