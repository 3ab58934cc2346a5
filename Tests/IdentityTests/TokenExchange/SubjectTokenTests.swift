import Core
import Testing

@testable import Identity

/// Which token of a call is the user's, for RFC 8693 `subject_token`; and that it never prints.
@Suite struct SubjectTokenTests {
    func select(_ credentials: Credentials) -> (token: String, source: SubjectToken.Source)? {
        SubjectToken.select(from: credentials).map { ($0.token, $0.source) }
    }

    @Test func theBearerTokenOfAuthorizationWithEitherSchemeInAnyCase() {
        #expect(select(Credentials(authorization: "Bearer abc.def.ghi"))! == ("abc.def.ghi", .authorization))
        #expect(select(Credentials(authorization: "bearer   abc"))! == ("abc", .authorization))
        #expect(select(Credentials(authorization: "DPoP abc"))! == ("abc", .authorization))
        #expect(select(Credentials(authorization: "dpop\tabc "))! == ("abc", .authorization))
    }

    @Test func xAPIKeyBareOrWithTheBearerScheme() {
        #expect(select(Credentials(apiKeyHeader: "abc"))! == ("abc", .apiKey))
        #expect(select(Credentials(apiKeyHeader: "Bearer abc"))! == ("abc", .apiKey))
        // Authorization first when both are sent (authentication refuses them when they differ).
        #expect(select(Credentials(authorization: "Bearer a", apiKeyHeader: "a"))! == ("a", .authorization))
    }

    @Test func inDelegationModeTheUsersTokenNotTheWorkloads() {
        let workloadAndUser = Credentials(authorization: "Bearer workload-token", userTokens: ["user-token"])
        #expect(select(workloadAndUser)! == ("user-token", .delegation))
        let certificateAndUser = Credentials(clientCertificateChain: [[1, 2, 3]], userTokens: [" user-token\t"])
        #expect(select(certificateAndUser)! == ("user-token", .delegation))
    }

    @Test func noUserTokenNoSubject() {
        // A client certificate alone, another scheme, an empty value, no scheme, several delegation values.
        #expect(select(Credentials(clientCertificateChain: [[1, 2, 3]])) == nil)
        #expect(select(Credentials(authorization: "Basic dXNlcjpwYXNz")) == nil)
        #expect(select(Credentials(authorization: "Bearer ")) == nil)
        #expect(select(Credentials(authorization: "abc")) == nil)
        #expect(select(Credentials(authorization: "Bearer a", userTokens: ["u1", "u2"])) == nil)
        #expect(select(Credentials(userTokens: [" "])) == nil)
        #expect(select(Credentials(authorization: "Bearer a", apiKeyHeader: "b")) == nil)
        #expect(select(Credentials()) == nil)
    }

    @Test func neverPrintsTheToken() throws {
        let secret = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXN1YmplY3Q.c2ln"
        let subject = try #require(SubjectToken.select(from: Credentials(authorization: "Bearer " + secret)))
        var dumped = ""
        dump(subject, to: &dumped)
        for text in [subject.description, "\(subject)", String(reflecting: subject), dumped, "\(Optional(subject) as Any)"] {
            #expect(!text.contains(secret))
            #expect(!text.contains("c2VjcmV0"))
        }
        #expect(subject.description.contains("authorization"))
    }
}
