import Core
import Testing

@testable import Identity

/// The exchange client over a fake endpoint: what it sends, when it asks again, and that it fails closed.
@Suite struct TokenExchangerTests {
    @Test func sendsTheCallersTokenForTheTargetWithTheClientsAuthentication() async throws {
        let h = try ExchangeHarness()
        let token = try await h.token("alice", target: TokenExchangeTarget(audience: "tickets", resource: "https://tickets.internal/mcp", scope: "read"))
        #expect(token == "xch-1")
        let sent = try #require(h.endpoint.exchanges.first)
        #expect(sent.url == "https://idp.example/oauth2/token")
        #expect(sent.form["subject_token"] == "user-token-of-alice")
        #expect(sent.form["subject_token_type"] == TokenTypeURI.accessToken)
        #expect(sent.form["audience"] == "tickets")
        #expect(sent.form["resource"] == "https://tickets.internal/mcp")
        #expect(sent.form["scope"] == "read")
        #expect(sent.form["requested_token_type"] == TokenTypeURI.accessToken)
        #expect(sent.form["actor_token"] == nil)
        #expect(sent.headers["authorization"]?.hasPrefix("Basic ") == true)
        #expect(sent.timeoutSeconds == 10)
    }

    @Test func aSecondCallWithinTheLifetimeIsServedFromTheCache() async throws {
        let h = try ExchangeHarness()
        #expect(try await h.token() == "xch-1")
        #expect(try await h.token(token: "a-newer-token-of-alice") == "xch-1")
        #expect(h.endpoint.exchanges.count == 1)
        #expect(h.exchanger.cachedTokens == 1)
    }

    @Test func usersAudiencesAndActorChainsEachGetTheirOwnToken() async throws {
        let h = try ExchangeHarness()
        let alice = try await h.token("alice")
        let bob = try await h.token("bob")
        let otherAudience = try await h.token("alice", target: TokenExchangeTarget(audience: "billing"))
        let sameAudienceAsResource = try await h.token("alice", target: TokenExchangeTarget(resource: "https://tickets"))
        let viaAgent = try await h.token("alice", actors: ["agent-1"])
        let viaAnotherChain = try await h.token("alice", actors: ["agent-1", "orchestrator"])
        let all = [alice, bob, otherAudience, sameAudienceAsResource, viaAgent, viaAnotherChain]
        #expect(Set(all).count == all.count)
        #expect(h.endpoint.exchanges.count == all.count)
        // Each again: all cached.
        #expect(try await h.token("bob") == bob)
        #expect(try await h.token("alice", actors: ["agent-1"]) == viaAgent)
        #expect(h.endpoint.exchanges.count == all.count)
    }

    @Test func anExchangedTokenIsUsedUntilTheRefreshMarginBeforeItExpires() async throws {
        let h = try ExchangeHarness { $0.refreshMarginSeconds = 60 }
        h.endpoint.answerAlways(.token(expiresIn: 120))
        #expect(try await h.token() == "xch-1")
        h.clock.advance(59)
        #expect(try await h.token() == "xch-1")
        h.clock.advance(1)  // 60 s before expiry: exchanged again
        #expect(try await h.token() == "xch-2")
        #expect(h.endpoint.exchanges.count == 2)
    }

    @Test func aTokenLivingNoLongerThanTheMarginIsUsedOnceAndNotKept() async throws {
        let h = try ExchangeHarness { $0.refreshMarginSeconds = 60 }
        h.endpoint.answerAlways(.token(expiresIn: 30))
        #expect(try await h.token() == "xch-1")
        #expect(try await h.token() == "xch-2")
        #expect(h.exchanger.cachedTokens == 0)
    }

    @Test func concurrentMissesForOneKeyMakeOneExchange() async throws {
        let h = try ExchangeHarness()
        h.endpoint.hold()
        let callers = 16
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<callers { group.addTask { try await h.token("alice") } }
            // Every caller but the first waits for the first's exchange; then the endpoint answers.
            while h.exchanger.joinedExchanges < callers - 1 { await Task.yield() }
            h.endpoint.release()
            var tokens: [String] = []
            for try await token in group { tokens.append(token) }
            #expect(tokens == Array(repeating: "xch-1", count: callers))
        }
        #expect(h.endpoint.exchanges.count == 1)
    }

    @Test func aFailureReachesEveryWaiterAndIsNotCached() async throws {
        let h = try ExchangeHarness()
        h.endpoint.script(.raw(status: 400, body: #"{"error":"invalid_grant"}"#))
        h.endpoint.hold()
        let outcomes = await withTaskGroup(of: TokenExchangeFailure.Reason?.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do { _ = try await h.token(); return nil } catch let error as TokenExchangeFailure { return error.reason } catch { return nil }
                }
            }
            while h.exchanger.joinedExchanges < 3 { await Task.yield() }
            h.endpoint.release()
            var all: [TokenExchangeFailure.Reason?] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes == Array(repeating: .refused, count: 4))
        #expect(try await h.token() == "xch-2")
        #expect(h.endpoint.exchanges.count == 2)
    }

    @Test func failsClosedWithoutASubjectTokenOrAnAnswer() async throws {
        let h = try ExchangeHarness()
        await #expect(throws: TokenExchangeFailure.self) {
            _ = try await h.exchanger.token(for: ExchangeHarness.user("svc"), subject: nil, target: TokenExchangeTarget(audience: "a"))
        }
        #expect(h.endpoint.requests.isEmpty)
        h.endpoint.script(.failure(TokenExchangeFailure(.unreachable, "down")), .failure(TokenExchangeFailure(.timeout, "slow")))
        for expected in [TokenExchangeFailure.Reason.unreachable, .timeout] {
            do { _ = try await h.token(); Issue.record("expected \(expected)") } catch { #expect(error.reason == expected) }
        }
    }

    @Test func withClientCredentialsTheGatewaysOwnTokenIsTheActorToken() async throws {
        let h = try ExchangeHarness {
            $0.actorToken = .clientCredentials
            $0.clientAuthentication = .clientSecretPost
            $0.subjectTokenType = .jwt
        }
        #expect(try await h.token("alice") == "xch-2")
        #expect(try await h.token("bob") == "xch-3")
        let grants = h.endpoint.requests.map { $0.form["grant_type"] }
        #expect(grants == ["client_credentials", TokenTypeURI.tokenExchangeGrant, TokenTypeURI.tokenExchangeGrant])
        for exchange in h.endpoint.exchanges {
            #expect(exchange.form["actor_token"] == "xch-1")
            #expect(exchange.form["actor_token_type"] == TokenTypeURI.accessToken)
            #expect(exchange.form["subject_token_type"] == TokenTypeURI.jwt)
            #expect(exchange.form["client_id"] == "portcullis")
            #expect(exchange.form["client_secret"] == ExchangeHarness.secret)
            #expect(exchange.headers["authorization"] == nil)
        }
    }

    @Test func noActorTokenNoExchange() async throws {
        let h = try ExchangeHarness { $0.actorToken = .clientCredentials }
        h.endpoint.script(.raw(status: 401, body: #"{"error":"invalid_client"}"#))
        do { _ = try await h.token(); Issue.record("expected a refusal") } catch { #expect(error.detail.contains("invalid_client")) }
        #expect(h.endpoint.exchanges.isEmpty)
    }

    @Test func cacheKeysSeparateEveryField() {
        func key(_ p: String, _ a: [String] = [], _ t: TokenExchangeTarget = .init(audience: "x")) -> ExchangedTokenCache.Key {
            ExchangedTokenCache.key(principal: p, actors: a, target: t)
        }
        #expect(key("alice") == key("alice"))
        let keys = [
            key("alice"), key("bob"), key("alice", ["w"]), key("alice", ["w", "v"]), key("alice", ["v", "w"]),
            key("alice", [], .init(resource: "x")), key("alice", [], .init(audience: "x", scope: "s")),
            key("alice", [], .init(audience: "x", scope: "")), key("alice", [], .init(audience: "x", resource: "x")),
            // Moving a boundary between fields never gives the same string.
            key("alice|1:x"), key("alice", ["|1:x"]), key("", ["alice"]),
        ]
        #expect(Set(keys).count == keys.count)
    }

    @Test func refusesAConfigurationItCannotUse() {
        #expect(throws: (any Error).self) { try ExchangeHarness { $0.tokenEndpoint = "http://idp.example/token" } }
        #expect(throws: (any Error).self) { try ExchangeHarness { $0.clientSecret = try! SecretReference("env:MISSING_SECRET") } }
    }
}
