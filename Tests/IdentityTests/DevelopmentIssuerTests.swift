import Core
import Foundation
import Logging
import Testing

@testable import Identity

@Suite struct DevelopmentIssuerTests {
    func verifier(for dev: DevelopmentIssuer) throws -> IdentityVerifier {
        try IdentityVerifier(
            configuration: IdentityConfiguration(issuers: [dev.issuerConfiguration()]), clock: SystemIdentityClock(),
            logger: quietLogger, environment: [:]) { _ in StaticJWKSSource(document: Data(dev.jwksJSON().utf8)) }
    }

    @Test func tokensVerifyThroughTheSameVerifierPath() async throws {
        let dev = try await DevelopmentIssuer.create(issuer: "http://127.0.0.1:8080/dev-idp", dataDirectory: nil)
        let v = try verifier(for: dev)
        #expect(await v.loadKeys())
        let token = try dev.issueToken(subject: "alice", email: "alice@demo.test", groups: ["eng"], roles: ["admin"])
        let p = try await v.authenticate(Credentials(authorization: "Bearer \(token)"))
        #expect(p.id == "http://127.0.0.1:8080/dev-idp#alice")
        #expect(p.groups == ["eng"])
        #expect(p.roles == ["admin"])
        #expect(p.kind == .user)
        let rs = try dev.issueToken(subject: "batch", kind: .service, algorithm: "RS256")
        let s = try await v.authenticate(Credentials(authorization: "Bearer \(rs)"))
        #expect(s.kind == .service)
        let expired = try dev.issueToken(subject: "alice", ttl: -3600)
        do {
            _ = try await v.authenticate(Credentials(authorization: "Bearer \(expired)"))
            Issue.record("expired development token accepted")
        } catch { #expect(error.reason == .expired) }
    }

    @Test func discoveryAndJWKSDocuments() async throws {
        let dev = try await DevelopmentIssuer.create(issuer: "http://127.0.0.1:9/dev-idp", dataDirectory: nil)
        let discovery = try JSONDecoder().decode([String: JSONValue].self, from: Data(dev.discoveryJSON().utf8))
        #expect(discovery["issuer"]?.stringValue == "http://127.0.0.1:9/dev-idp")
        #expect(discovery["jwks_uri"]?.stringValue == "http://127.0.0.1:9/dev-idp/jwks")
        let keys = try await VerificationKeys.load(jwks: Data(dev.jwksJSON().utf8), allowedAlgorithms: ["ES256", "RS256"])
        #expect(keys.keyIDs.count == 2)
        #expect(!dev.jwksJSON().contains("\"d\""))
    }

    @Test func tokenCommandSignsWithTheDemoDataDirectory() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-dev-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dev = try await DevelopmentIssuer.create(issuer: "http://127.0.0.1:7000/dev-idp", dataDirectory: dir)
        let again = try await DevelopmentIssuer.create(issuer: "http://127.0.0.1:7000/dev-idp", dataDirectory: dir)
        #expect(again.jwksJSON() == dev.jwksJSON())  // keys persisted, not regenerated
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/dev-idp/es256.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        var out: [String] = []
        var err: [String] = []
        let code = await DevelopmentToken.run(
            dataDirectory: dir, subject: "bob", name: nil, email: nil, groups: ["finance"], roles: [], scopes: ["llm"],
            service: false, ttlSeconds: 600, algorithm: "ES256", output: { out.append($0) }, errorOutput: { err.append($0) })
        #expect(code == 0)
        let v = try verifier(for: dev)
        let p = try await v.authenticate(Credentials(authorization: "Bearer \(out[0])"))
        #expect(p.subject == "bob")
        #expect(p.groups == ["finance"])
        let missing = await DevelopmentToken.run(
            dataDirectory: dir + "-nope", subject: "bob", name: nil, email: nil, groups: [], roles: [], scopes: [],
            service: false, ttlSeconds: 600, algorithm: "ES256", output: { out.append($0) }, errorOutput: { err.append($0) })
        #expect(missing == 1)
        #expect(err.last?.contains("portcullis demo") == true)
    }
}
