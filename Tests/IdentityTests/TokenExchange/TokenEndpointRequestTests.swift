import Core
import Foundation
import Testing

@testable import Identity

/// The POST to the token endpoint, exactly as encoded (RFC 8693 §2.1, RFC 6749 §2.3.1 and §4.4).
@Suite struct TokenEndpointRequestTests {
    let subject = SubjectToken.select(from: Credentials(authorization: "Bearer user.tok+en/="))!
    let basic = TokenEndpointClient(id: "portcullis gw", secret: "p@ss:word/+", authentication: .clientSecretBasic)
    let post = TokenEndpointClient(id: "portcullis", secret: "p@ss:word/+", authentication: .clientSecretPost)

    func pairs(_ request: TokenEndpointRequest) -> [String] { request.form.map { "\($0.0)=\($0.1)" } }
    func header(_ request: TokenEndpointRequest, _ name: String) -> String? { request.headers.first { $0.0 == name }?.1 }

    @Test func anExchangeNamesSubjectTargetAndRequestedTypeInOrder() {
        let request = TokenEndpointRequest.exchange(
            subject: subject, subjectTokenType: TokenTypeURI.accessToken,
            target: TokenExchangeTarget(audience: "tickets", resource: "https://tickets.internal/mcp?x=1", scope: "read write"),
            actorToken: nil, client: basic)
        #expect(pairs(request) == [
            "grant_type=urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token=user.tok+en/=",
            "subject_token_type=urn:ietf:params:oauth:token-type:access_token",
            "resource=https://tickets.internal/mcp?x=1",
            "audience=tickets",
            "scope=read write",
            "requested_token_type=urn:ietf:params:oauth:token-type:access_token",
        ])
        // Form encoding: everything but unreserved characters percent-encoded, a space as %20.
        #expect(String(decoding: request.body, as: UTF8.self) == "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
            + "&subject_token=user.tok%2Ben%2F%3D&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"
            + "&resource=https%3A%2F%2Ftickets.internal%2Fmcp%3Fx%3D1&audience=tickets&scope=read%20write"
            + "&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token")
        #expect(header(request, "content-type") == "application/x-www-form-urlencoded")
        #expect(header(request, "accept") == "application/json")
    }

    @Test func clientSecretBasicEncodesIDAndSecretBeforeBase64AndKeepsThemOutOfTheBody() throws {
        let request = TokenEndpointRequest.exchange(
            subject: subject, subjectTokenType: TokenTypeURI.jwt, target: TokenExchangeTarget(resource: "https://api.internal"),
            actorToken: nil, client: basic)
        let value = try #require(header(request, "authorization"))
        #expect(value.hasPrefix("Basic "))
        let decoded = String(decoding: try #require(Data(base64Encoded: String(value.dropFirst(6)))), as: UTF8.self)
        #expect(decoded == "portcullis%20gw:p%40ss%3Aword%2F%2B")
        #expect(!request.form.contains { $0.0 == "client_id" || $0.0 == "client_secret" })
        #expect(request.form.first { $0.0 == "subject_token_type" }?.1 == TokenTypeURI.jwt)
        // Only what the target names.
        #expect(!request.form.contains { $0.0 == "audience" || $0.0 == "scope" })
    }

    @Test func clientSecretPostPutsThemInTheBody() {
        let request = TokenEndpointRequest.exchange(
            subject: subject, subjectTokenType: TokenTypeURI.accessToken, target: TokenExchangeTarget(audience: "a"), actorToken: nil, client: post)
        #expect(header(request, "authorization") == nil)
        #expect(Array(pairs(request).suffix(2)) == ["client_id=portcullis", "client_secret=p@ss:word/+"])
    }

    @Test func anActorTokenGoesWithItsType() {
        let request = TokenEndpointRequest.exchange(
            subject: subject, subjectTokenType: TokenTypeURI.accessToken, target: TokenExchangeTarget(audience: "a"), actorToken: "gw-token",
            client: basic)
        #expect(pairs(request).contains("actor_token=gw-token"))
        #expect(pairs(request).contains("actor_token_type=urn:ietf:params:oauth:token-type:access_token"))
    }

    @Test func theGatewaysOwnTokenIsAClientCredentialsGrant() {
        #expect(pairs(.clientCredentials(client: basic)) == ["grant_type=client_credentials"])
        #expect(pairs(.clientCredentials(client: post)) == ["grant_type=client_credentials", "client_id=portcullis", "client_secret=p@ss:word/+"])
    }

    @Test func printingARequestShowsNamesNotValues() {
        let request = TokenEndpointRequest.exchange(
            subject: subject, subjectTokenType: TokenTypeURI.accessToken, target: TokenExchangeTarget(audience: "a"), actorToken: "gw-token",
            client: post)
        for text in ["\(request)", "\(post)", "\(basic)"] {
            #expect(!text.contains("user.tok"))
            #expect(!text.contains("gw-token"))
            #expect(!text.contains("p@ss"))
        }
    }
}
