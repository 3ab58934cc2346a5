import Core
import Foundation
import Testing

@testable import Identity

/// `identity.token_exchange` and an upstream's `token_exchange` target, decoded strictly.
@Suite struct TokenExchangeConfigurationTests {
    static let minimal = #""token_endpoint":"https://idp.example/token","client_id":"portcullis","client_secret":"env:S""#

    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    func decode(_ json: String) throws -> TokenExchangeConfiguration { try decode(TokenExchangeConfiguration.self, json) }

    func message<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
        do {
            _ = try decode(T.self, json)
            Issue.record("accepted \(json)")
            return nil
        } catch let DecodingError.dataCorrupted(context) {
            return (context.codingPath.map(\.stringValue) + [context.debugDescription]).joined(separator: ": ")
        } catch {
            return "\(error)"
        }
    }

    func message(_ json: String) -> String? { message(TokenExchangeConfiguration.self, json) }

    @Test func defaults() throws {
        let c = try decode("{\(Self.minimal)}")
        #expect(c.clientAuthentication == .clientSecretBasic)
        #expect(c.subjectTokenType == .accessToken)
        #expect(c.actorToken == .none)
        #expect(c.refreshMarginSeconds == 60)
        #expect(c.timeoutSeconds == 10)
        #expect(c.defaultLifetimeSeconds == 300)
        #expect(c.cacheEntries == 10_000)
        let all = try decode(#"""
            {\#(Self.minimal),"client_authentication":"client_secret_post","subject_token_type":"jwt","actor_token":"client_credentials",
             "refresh_margin_seconds":1,"timeout_seconds":3,"default_lifetime_seconds":30,"cache_entries":5}
            """#)
        #expect(all.clientAuthentication == .clientSecretPost && all.subjectTokenType == .jwt && all.actorToken == .clientCredentials)
        #expect(all.refreshMarginSeconds == 1 && all.timeoutSeconds == 3 && all.defaultLifetimeSeconds == 30 && all.cacheEntries == 5)
        // Plain http on loopback only (a local test IdP).
        _ = try decode(#"{"token_endpoint":"http://127.0.0.1:8080/token","client_id":"c","client_secret":"file:/run/s"}"#)
    }

    @Test func refusals() throws {
        #expect(message("{\(Self.minimal),\"client_secrt\":\"env:S\"}")?.contains("unknown key 'client_secrt'") == true)
        #expect(message(#"{"token_endpoint":"http://idp.example/token","client_id":"c","client_secret":"env:S"}"#)?
            .contains("must be an https URL") == true)
        #expect(message(#"{"token_endpoint":"https://idp.example/token","client_id":"c","client_secret":"hunter2"}"#)?
            .contains("must be a reference") == true)
        #expect(message("{\(Self.minimal),\"client_authentication\":\"private_key_jwt\"}")?
            .contains("'private_key_jwt' is not one of client_secret_basic, client_secret_post") == true)
        #expect(message("{\(Self.minimal),\"actor_token\":\"always\"}")?.contains("none, client_credentials") == true)
        #expect(message("{\(Self.minimal),\"subject_token_type\":\"id_token\"}")?.contains("access_token, jwt") == true)
        #expect(message("{\(Self.minimal),\"timeout_seconds\":0}")?.contains("timeout_seconds: expected 1 to 60") == true)
        #expect(message("{\(Self.minimal),\"refresh_margin_seconds\":-1}")?.contains("refresh_margin_seconds") == true)
        #expect(message("{\(Self.minimal),\"default_lifetime_seconds\":0}")?.contains("default_lifetime_seconds") == true)
        #expect(message("{\(Self.minimal),\"cache_entries\":0}")?.contains("cache_entries") == true)
        #expect(message(#"{"token_endpoint":"https://idp.example/token","client_id":"","client_secret":"env:S"}"#)?.contains("client_id") == true)
    }

    @Test func aTargetNamesWhomTheTokenIsFor() throws {
        let t = try decode(TokenExchangeTarget.self, #"{"audience":"tickets","resource":"https://tickets.internal/mcp","scope":"a b"}"#)
        #expect(t == TokenExchangeTarget(audience: "tickets", resource: "https://tickets.internal/mcp", scope: "a b"))
        _ = try decode(TokenExchangeTarget.self, #"{"resource":"urn:example:api"}"#)
        #expect(message(TokenExchangeTarget.self, #"{"scope":"a"}"#)?.contains("needs audience, resource or both") == true)
        #expect(message(TokenExchangeTarget.self, #"{"audience":"a","audiance":"b"}"#)?.contains("unknown key 'audiance'") == true)
        #expect(message(TokenExchangeTarget.self, #"{"resource":"https://a/b#frag"}"#)?.contains("absolute URI") == true)
        #expect(message(TokenExchangeTarget.self, #"{"resource":"tickets"}"#)?.contains("absolute URI") == true)
        #expect(message(TokenExchangeTarget.self, #"{"audience":""}"#)?.contains("expected 1 to 1024") == true)
        #expect(message(TokenExchangeTarget.self, #"{"audience":"a","scope":"a  b"}"#)?.contains("single spaces") == true)
    }

    @Test func identityTakesTheSection() throws {
        let identity = try decode(IdentityConfiguration.self, #"""
            {"issuers":[{"name":"idp","issuer":"https://idp.example","audiences":["portcullis"]}],"token_exchange":{\#(Self.minimal)}}
            """#)
        #expect(identity.tokenExchange?.clientID == "portcullis")
    }
}
