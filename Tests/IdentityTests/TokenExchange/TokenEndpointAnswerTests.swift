import Core
import Testing

@testable import Identity

/// Reading the token endpoint's answer (RFC 8693 §2.2): what is a usable token, until when, and every refusal.
@Suite struct TokenEndpointAnswerTests {
    let now = 1_800_000_000.0

    func parse(_ body: String, status: Int = 200, defaultLifetime: Int = 300) throws(TokenExchangeFailure) -> IssuedToken {
        try IssuedToken.parse(status: status, body: Array(body.utf8), now: now, defaultLifetime: defaultLifetime)
    }

    func refusal(_ body: String, status: Int = 200) -> TokenExchangeFailure? {
        do {
            let token = try parse(body, status: status)
            Issue.record("accepted \(token)")
            return nil
        } catch {
            return error
        }
    }

    @Test func anOpaqueTokenLivesItsExpiresIn() throws {
        let token = try parse(#"{"access_token":"xch-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":120}"#)
        #expect(token.value == "xch-1")
        #expect(token.expiresAt == now + 120)
        // N_A (RFC 8693 §2.2.1: not a bearer-usable type per se) and any case are accepted; issued_token_type is optional.
        #expect(try parse(#"{"access_token":"a","token_type":"N_A","expires_in":1}"#).value == "a")
        #expect(try parse(#"{"access_token":"a","token_type":"bearer","expires_in":1.0}"#).expiresAt == now + 1)
    }

    @Test func withoutExpiresInAJWTsExpOrTheDefaultLifetime() throws {
        let jwt = unsignedJWT(#"{"sub":"alice","exp":1800000600}"#)
        #expect(try parse(#"{"access_token":"\#(jwt)","token_type":"Bearer"}"#).expiresAt == 1_800_000_600)
        #expect(try parse(#"{"access_token":"opaque","token_type":"Bearer"}"#, defaultLifetime: 42).expiresAt == now + 42)
        // Both: the earlier one.
        #expect(try parse(#"{"access_token":"\#(jwt)","token_type":"Bearer","expires_in":3600}"#).expiresAt == 1_800_000_600)
        #expect(try parse(#"{"access_token":"\#(jwt)","token_type":"Bearer","expires_in":60}"#).expiresAt == now + 60)
        // An issued JWT already expired is no token.
        let stale = unsignedJWT(#"{"sub":"alice","exp":1799999999}"#)
        #expect(refusal(#"{"access_token":"\#(stale)","token_type":"Bearer"}"#)?.reason == .invalidAnswer)
    }

    @Test func refusesAnAnswerWithoutAUsableToken() {
        for body in [
            #"{"token_type":"Bearer","expires_in":60}"#,                        // no token
            #"{"access_token":"","token_type":"Bearer","expires_in":60}"#,      // empty
            #"{"access_token":7,"token_type":"Bearer","expires_in":60}"#,       // not a string
            #"{"access_token":"a b","token_type":"Bearer","expires_in":60}"#,   // not a header value
            #"{"access_token":"a\nb","token_type":"Bearer","expires_in":60}"#,
            #"{"access_token":"a","expires_in":60}"#,                           // no token_type
            #"{"access_token":"a","token_type":"mac","expires_in":60}"#,        // another type
            #"{"access_token":"a","token_type":"DPoP","expires_in":60}"#,
            #"{"access_token":"a","token_type":"Bearer","expires_in":0}"#,      // non-positive lifetime
            #"{"access_token":"a","token_type":"Bearer","expires_in":-5}"#,
            #"{"access_token":"a","token_type":"Bearer","expires_in":"300"}"#,  // not a number
            #"{"access_token":"a","token_type":"Bearer","expires_in":1.5}"#,
            #"{"access_token":"a","token_type":"Bearer","issued_token_type":"urn:ietf:params:oauth:token-type:refresh_token"}"#,
            #"{"access_token":"a","access_token":"b","token_type":"Bearer"}"#,  // duplicate member
            #"["a"]"#, "not json", "",
        ] {
            let failure = refusal(body)
            #expect(failure?.reason == .invalidAnswer, "\(body)")
        }
    }

    @Test func anErrorAnswerIsARefusalNamingOnlyStatusAndCode() throws {
        let failure = try #require(refusal(#"{"error":"invalid_grant","error_description":"subject token eyJhbGc.secret is expired"}"#, status: 400))
        #expect(failure.reason == .refused)
        #expect(failure.detail == "the token endpoint answered 400 invalid_grant")
        #expect(!failure.description.contains("eyJ"))
        // An error member on a 200 is no token either; an odd code is not echoed; a bare 503 is a refusal.
        #expect(refusal(#"{"error":"unauthorized_client","access_token":"a","token_type":"Bearer"}"#)?.reason == .refused)
        #expect(refusal(#"{"error":"<script>alert(1)</script>"}"#, status: 401)?.detail == "the token endpoint answered 401")
        #expect(refusal("Service Unavailable", status: 503)?.detail == "the token endpoint answered 503")
    }

    @Test func anIssuedTokenNeverPrints() throws {
        let token = try parse(#"{"access_token":"xch-secret-value","token_type":"Bearer","expires_in":60}"#)
        var dumped = ""
        dump(token, to: &dumped)
        for text in ["\(token)", String(reflecting: token), dumped] { #expect(!text.contains("xch-secret-value")) }
    }
}
