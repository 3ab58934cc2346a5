import CryptoExtras
import Foundation
import Providers
import Synchronization
import Testing

/// A throw-away service account: an RSA key generated per test run, never stored.
private enum TestAccount {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let email = "gateway@test-project.iam.gserviceaccount.com"
    static let keyID = "0123456789abcdef0123456789abcdef01234567"

    static func json(
        type: String = "service_account", privateKey: String? = key.pkcs8PEMRepresentation,
        tokenURI: String? = "https://oauth2.googleapis.com/token", drop: String? = nil
    ) -> String {
        var fields: [String: String] = [
            "type": type, "project_id": "test-project", "private_key_id": keyID, "client_email": email,
            "client_id": "1234567890",
        ]
        if let privateKey { fields["private_key"] = privateKey }
        if let tokenURI { fields["token_uri"] = tokenURI }
        if let drop { fields[drop] = nil }
        return String(decoding: try! JSONEncoder().encode(fields), as: UTF8.self)
    }

    /// A run of the key's base64 body, to check that no error text carries key material.
    static var keyFragment: String {
        let lines = key.pkcs8PEMRepresentation.split(separator: "\n")
        return String(lines[2].prefix(24))
    }
}

/// A settable clock.
private final class TestClock: Sendable {
    private let instant = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { instant.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A scripted token endpoint: answers in order (the last answer repeats), records every call.
private final class FakeTokenEndpoint: Sendable {
    struct Call { let url: String; let form: [String: String] }
    private let state = Mutex<(answers: [(Int, String)], calls: [Call])>(([], []))
    let delay: Duration

    init(_ answers: [(Int, String)], delay: Duration = .zero) {
        state.withLock { $0.answers = answers }
        self.delay = delay
    }

    static func token(_ value: String, expiresIn: Int = 3600) -> (Int, String) {
        (200, "{\"access_token\":\"\(value)\",\"expires_in\":\(expiresIn),\"token_type\":\"Bearer\"}")
    }

    var calls: [Call] { state.withLock { $0.calls } }

    func exchange(url: String, body: [UInt8]) async throws -> (status: Int, body: [UInt8]) {
        if delay > .zero { try await Task.sleep(for: delay) }
        var form: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let answer = state.withLock { state -> (Int, String) in
            state.calls.append(Call(url: url, form: form))
            return state.answers.count > 1 ? state.answers.removeFirst() : state.answers[0]
        }
        if answer.0 == 0 { throw URLError(.cannotConnectToHost) }
        return (answer.0, Array(answer.1.utf8))
    }
}

private func source(
    _ endpoint: FakeTokenEndpoint, clock: TestClock = TestClock(), json: String = TestAccount.json(),
    tokenEndpoint: String? = nil
) throws -> ServiceAccountTokenSource {
    try ServiceAccountTokenSource(
        provider: "vertex", serviceAccountJSON: json, tokenEndpoint: tokenEndpoint,
        exchange: { try await endpoint.exchange(url: $0, body: $1) }, now: { clock.now })
}

private func base64URLDecode(_ text: Substring) -> Data? {
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.count % 4 != 0 { s += "=" }
    return Data(base64Encoded: s)
}

@Suite struct ServiceAccountTokenTests {
    @Test func assertionIsSignedByTheAccountKeyWithGooglesClaims() async throws {
        let clock = TestClock()
        let endpoint = FakeTokenEndpoint([FakeTokenEndpoint.token("ya29.first")])
        let tokens = try source(endpoint, clock: clock)
        #expect(try await tokens.accessToken() == "ya29.first")

        let call = try #require(endpoint.calls.first)
        #expect(call.url == "https://oauth2.googleapis.com/token")
        #expect(call.form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        let parts = try #require(call.form["assertion"]).split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        let signature = try _RSA.Signing.RSASignature(rawRepresentation: #require(base64URLDecode(parts[2])))
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        #expect(TestAccount.key.publicKey.isValidSignature(signature, for: signed, padding: .insecurePKCS1v1_5))
        #expect(!TestAccount.key.publicKey.isValidSignature(signature, for: Data("x".utf8) + signed, padding: .insecurePKCS1v1_5))

        let header = try JSONSerialization.jsonObject(with: #require(base64URLDecode(parts[0]))) as? [String: Any]
        #expect(header?["alg"] as? String == "RS256")
        #expect(header?["typ"] as? String == "JWT")
        #expect(header?["kid"] as? String == TestAccount.keyID)
        let claimsJSON = try #require(base64URLDecode(parts[1]))
        let claims = try #require(JSONSerialization.jsonObject(with: claimsJSON) as? [String: Any])
        let iat = Int(clock.now.timeIntervalSince1970)
        #expect(claims["iss"] as? String == TestAccount.email)
        #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform")
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims["iat"] as? Int == iat)
        #expect(claims["exp"] as? Int == iat + 3600)
        #expect(Set(claims.keys) == ["iss", "scope", "aud", "iat", "exp"])
    }

    @Test func endpointComesFromTheKeyFileUnlessGiven() async throws {
        let endpoint = FakeTokenEndpoint([FakeTokenEndpoint.token("ya29.t")])
        let fromFile = try source(endpoint, json: TestAccount.json(tokenURI: "http://127.0.0.1:9/token"))
        #expect(fromFile.tokenEndpoint == "http://127.0.0.1:9/token")
        let given = try source(endpoint, tokenEndpoint: "https://sts.example.test/token")
        _ = try await given.accessToken()
        #expect(endpoint.calls.last?.url == "https://sts.example.test/token")
        let claims = endpoint.calls.last?.form["assertion"]?.split(separator: ".")[1]
        #expect(String(decoding: base64URLDecode(claims!)!, as: UTF8.self).contains("\"aud\":\"https://sts.example.test/token\""))
        let none = try source(endpoint, json: TestAccount.json(tokenURI: nil))
        #expect(none.tokenEndpoint == "https://oauth2.googleapis.com/token")
        // The assertion must not travel in clear text off the machine.
        #expect(throws: UpstreamError.self) { try source(endpoint, tokenEndpoint: "http://tokens.example.test/token") }
    }

    @Test func tokenIsCachedUntilExpiryMinusTheMargin() async throws {
        let clock = TestClock()
        let endpoint = FakeTokenEndpoint([FakeTokenEndpoint.token("ya29.first"), FakeTokenEndpoint.token("ya29.second")])
        let tokens = try source(endpoint, clock: clock)
        #expect(try await tokens.accessToken() == "ya29.first")
        clock.advance(3299)  // 3600 − 300 margin not yet reached
        #expect(try await tokens.accessToken() == "ya29.first")
        #expect(endpoint.calls.count == 1)
        clock.advance(2)
        #expect(try await tokens.accessToken() == "ya29.second")
        #expect(endpoint.calls.count == 2)
    }

    @Test func shortLivedTokenIsRefreshedAtHalfItsLife() async throws {
        let clock = TestClock()
        let endpoint = FakeTokenEndpoint([FakeTokenEndpoint.token("ya29.a", expiresIn: 60), FakeTokenEndpoint.token("ya29.b", expiresIn: 60)])
        let tokens = try source(endpoint, clock: clock)
        #expect(try await tokens.accessToken() == "ya29.a")
        clock.advance(29)
        #expect(try await tokens.accessToken() == "ya29.a")
        clock.advance(2)
        #expect(try await tokens.accessToken() == "ya29.b")
    }

    @Test func concurrentCallersShareOneExchange() async throws {
        let endpoint = FakeTokenEndpoint([FakeTokenEndpoint.token("ya29.shared")], delay: .milliseconds(100))
        let tokens = try source(endpoint)
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await tokens.accessToken() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: "ya29.shared", count: 8))
        #expect(endpoint.calls.count == 1)
    }

    @Test func failedRefreshKeepsTheStillValidToken() async throws {
        let clock = TestClock()
        let endpoint = FakeTokenEndpoint([FakeTokenEndpoint.token("ya29.old"), (503, "{\"error\":\"backendError\"}")])
        let tokens = try source(endpoint, clock: clock)
        #expect(try await tokens.accessToken() == "ya29.old")
        clock.advance(3400)  // refresh due, token valid for 200 s more
        #expect(try await tokens.accessToken() == "ya29.old")
        #expect(endpoint.calls.count == 2)
        clock.advance(201)  // expired: nothing left to fall back on
        let error = await #expect(throws: UpstreamError.self) { try await tokens.accessToken() }
        guard case .unreachable(let provider, let reason) = error else {
            Issue.record("expected .unreachable, got \(String(describing: error))")
            return
        }
        #expect(provider == "vertex")
        #expect(reason.contains("503"))
        #expect(!reason.contains("ya29"))
    }

    @Test func refusalWithoutTokenIsAConfigurationFaultWithoutSecrets() async throws {
        let endpoint = FakeTokenEndpoint([(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}")])
        let tokens = try source(endpoint)
        let error = await #expect(throws: UpstreamError.self) { try await tokens.accessToken() }
        guard case .misconfigured(_, let reason) = error else {
            Issue.record("expected .misconfigured, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("400") && reason.contains("invalid_grant"))
        let assertion = try #require(endpoint.calls.first?.form["assertion"])
        let text = String(describing: error!)
        #expect(!text.contains(assertion.prefix(20)) && !text.contains(assertion.suffix(20)))
        #expect(!text.contains(TestAccount.keyFragment))
    }

    @Test func unreachableEndpointAndUnusableAnswersFailClosed() async throws {
        let down = try source(FakeTokenEndpoint([(0, "")]))
        let e1 = await #expect(throws: UpstreamError.self) { try await down.accessToken() }
        #expect(e1 == .unreachable(provider: "vertex", reason: "token endpoint not reachable"))
        for body in ["{\"expires_in\":3600}", "{\"access_token\":\"ya29.x\"}", "not json",
                     "{\"access_token\":\"ya29.x\",\"expires_in\":3600,\"token_type\":\"MAC\"}"] {
            let odd = try source(FakeTokenEndpoint([(200, body)]))
            let error = await #expect(throws: UpstreamError.self) { try await odd.accessToken() }
            #expect(!String(describing: error).contains("ya29.x"), "\(body)")
        }
    }

    @Test(arguments: [
        ("not json at all", "not a JSON object"),
        ("[1,2]", "not a JSON object"),
        (TestAccount.json(type: "authorized_user"), "\"authorized_user\", expected \"service_account\""),
        (TestAccount.json(drop: "type"), "no \"type\""),
        (TestAccount.json(drop: "client_email"), "no \"client_email\""),
        (TestAccount.json(drop: "private_key_id"), "no \"private_key_id\""),
        (TestAccount.json(privateKey: nil), "no \"private_key\""),
        (TestAccount.json(privateKey: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), "not a PEM private key"),
        (TestAccount.json(privateKey: TestAccount.key.pkcs8PEMRepresentation.replacingOccurrences(of: "M", with: "Q")),
         "not a usable RSA key"),
        (TestAccount.json(privateKey: (try! _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))).pkcs8PEMRepresentation),
         "at least 2048 bits"),
        (TestAccount.json(tokenURI: "ftp://oauth2.example.test/token"), "token_uri"),
    ])
    func badKeyFilesAreRefusedAtStartWithoutEchoingThem(json: String, expected: String) throws {
        let endpoint = FakeTokenEndpoint([FakeTokenEndpoint.token("ya29.never")])
        let error = #expect(throws: UpstreamError.self) { try source(endpoint, json: json) }
        guard case .misconfigured(let provider, let reason) = error else {
            Issue.record("expected .misconfigured, got \(String(describing: error))")
            return
        }
        #expect(provider == "vertex")
        #expect(reason.contains(expected), "\(reason)")
        #expect(!reason.contains(TestAccount.keyFragment) && !reason.contains("MIIE") && !reason.contains("BEGIN"))
        #expect(endpoint.calls.isEmpty)
    }

    @Test func keyFileDescribesItselfWithoutKeyMaterial() throws {
        let key = try ServiceAccountKey(json: TestAccount.json())
        #expect(key.clientEmail == TestAccount.email)
        #expect(key.privateKeyID == TestAccount.keyID)
        #expect(key.projectID == "test-project")
        #expect(key.tokenURI == "https://oauth2.googleapis.com/token")
        #expect(String(describing: key) == "service account \(TestAccount.email) (key \(TestAccount.keyID))")
        #expect(key.publicKeyPEM.contains("BEGIN PUBLIC KEY"))
    }
}
