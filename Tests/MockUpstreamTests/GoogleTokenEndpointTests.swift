import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Providers
import Synchronization
import Testing

@Suite struct GoogleTokenEndpointTests {
    static func counts(_ client: some TestClientProtocol) async throws -> JSONValue {
        try await client.execute(uri: "/mock/google/token-calls", method: .get) { Wire.object($0.body) }
    }

    /// The refusal the mock answered last (the token source reports only status and error code).
    static func lastRefusal(_ source: ServiceAccountTokenSource) async -> String? {
        do {
            _ = try await source.accessToken()
            return nil
        } catch {
            guard case .misconfigured(_, let reason) = error else { return "not a refusal: \(error)" }
            return reason
        }
    }

    @Test func issuesATokenForACorrectlySignedAssertionOnce() async throws {
        try await mockApp(Google.configuration(lifetime: 1800)).test(.router) { client in
            let source = try Google.tokenSource(client)
            let token = try await source.accessToken()
            #expect(try await source.accessToken() == token)  // cached by the client: one grant
            let counts = try await Self.counts(client)
            #expect(counts["issued"]?.intValue == 1 && counts["refused"]?.intValue == 0 && counts["active"]?.intValue == 1)

            let log = try await client.execute(uri: "/mock/requests", method: .get) { Wire.object($0.body) }
            let entry = log["data"]?[0]
            #expect(entry?["path"] == "/token")
            #expect(entry?["body_text"] == "assertion=[redacted]&grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer")
            #expect(entry?["outcome"] == "responded")
        }
    }

    @Test func answerCarriesTheConfiguredLifetime() async throws {
        try await mockApp(Google.configuration(lifetime: 120)).test(.router) { client in
            // A raw grant, signed by the real client code through a capturing exchange.
            let captured = Captured()
            let source = try ServiceAccountTokenSource(
                provider: "vertex", serviceAccountJSON: Google.accountJSON(),
                exchange: { _, body in
                    captured.body = body
                    return (503, [])
                })
            _ = try? await source.accessToken()
            try await client.execute(
                uri: "/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(bytes: captured.body)
            ) {
                #expect($0.status == .ok)
                let answer = Wire.object($0.body)
                #expect(answer["expires_in"]?.intValue == 120)
                #expect(answer["token_type"] == "Bearer")
                #expect(answer["access_token"]?.stringValue?.hasPrefix("ya29.mock-") == true)
            }
        }
    }

    @Test func refusesAnAssertionSignedByAnotherKey() async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            let forged = try Google.tokenSource(client, json: Google.accountJSON(key: Google.otherKey))
            #expect(await Self.lastRefusal(forged) == "service account refused: token endpoint answered 400 invalid_grant")
            try await client.execute(
                uri: "/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"] == "invalid_grant")
                #expect(Wire.object($0.body)["error_description"] == "Invalid JWT Signature.")
            }
            let counts = try await Self.counts(client)
            #expect(counts["issued"]?.intValue == 0 && counts["refused"]?.intValue == 2)
        }
    }

    @Test func refusesAWrongAudienceIssuerOrGrantType() async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            let elsewhere = try Google.tokenSource(client, tokenEndpoint: "http://localhost/other/token")
            #expect(await Self.lastRefusal(elsewhere)?.hasSuffix("400 invalid_grant") == true)
            let stranger = try Google.tokenSource(client, json: Google.accountJSON(email: "someone@else.iam.gserviceaccount.com"))
            #expect(await Self.lastRefusal(stranger)?.hasSuffix("400 invalid_grant") == true)
            try await client.execute(
                uri: "/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "grant_type=client_credentials&client_id=x")
            ) {
                #expect($0.status == .badRequest)
                #expect(Wire.object($0.body)["error"] == "unsupported_grant_type")
            }
        }
    }

    @Test func refusesAnExpiredAssertion() async throws {
        try await mockApp(Google.configuration()).test(.router) { client in
            let late = try Google.tokenSource(client, now: { Date().addingTimeInterval(-7200) })
            #expect(await Self.lastRefusal(late)?.hasSuffix("400 invalid_grant") == true)
            #expect(try await Self.counts(client)["issued"]?.intValue == 0)
        }
    }

    @Test func refusesEveryGrantWithoutAConfiguredServiceAccount() async throws {
        try await mockApp().test(.router) { client in
            let source = try Google.tokenSource(client)
            #expect(await Self.lastRefusal(source)?.hasSuffix("400 invalid_grant") == true)
        }
    }
}

/// The body a token source posted, captured by its exchange.
private final class Captured: Sendable {
    private let state = Mutex<[UInt8]>([])
    var body: [UInt8] {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
