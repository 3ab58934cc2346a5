import Core
import Crypto
import Foundation
import Logging
import SwiftASN1
import Testing
import X509

@testable import Identity

/// mTLS / SPIFFE service principals, header stripping, upstream pseudonyms, configuration decoding.
@Suite struct ServiceIdentityTests {
    static let caKey = P256.Signing.PrivateKey()

    func certificate(uris: [String], isCA: Bool = false) throws -> [UInt8] {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName("workload") }
        let issuer = try DistinguishedName { CommonName("Test CA") }
        var names: [GeneralName] = uris.map { .uniformResourceIdentifier($0) }
        names.append(.dnsName("billing.internal"))
        let cert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-60), notValidAfter: Date().addingTimeInterval(3600),
            issuer: issuer, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(isCA ? BasicConstraints.isCertificateAuthority(maxPathLength: nil) : .notCertificateAuthority)
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(Self.caKey))
        var serializer = DER.Serializer()
        try serializer.serialize(cert)
        return serializer.serializedBytes
    }

    func verifier(requireListed: Bool = false) throws -> IdentityVerifier {
        let mtls = MTLSConfiguration(trustDomains: [
            SPIFFETrustDomain(trustDomain: "prod.example.org",
                              services: ["/ns/prod/sa/billing": .init(name: "billing", groups: ["batch"])],
                              requireListedService: requireListed),
        ])
        return try IdentityVerifier(
            configuration: IdentityConfiguration(issuers: [], mtls: mtls), clock: ManualClock(),
            logger: quietLogger, environment: [:]) { _ in FakeJWKSSource("{}") }
    }

    func reason(_ v: IdentityVerifier, _ chain: [[UInt8]]) async -> AuthenticationFailure.Reason? {
        do { _ = try await v.authenticate(Credentials(clientCertificateChain: chain)); return nil } catch { return error.reason }
    }

    @Test func spiffeIDBecomesAServicePrincipal() async throws {
        let v = try verifier()
        let p = try await v.authenticate(Credentials(clientCertificateChain: [
            try certificate(uris: ["spiffe://prod.example.org/ns/prod/sa/billing"]),
        ]))
        #expect(p.kind == .service)
        #expect(p.issuer == "spiffe://prod.example.org")
        #expect(p.subject == "/ns/prod/sa/billing")
        #expect(p.name == "billing")
        #expect(p.groups == ["batch"])
        #expect(p.authenticationMethod == "mtls")
        let other = try await v.authenticate(Credentials(clientCertificateChain: [
            try certificate(uris: ["spiffe://prod.example.org/ns/prod/sa/reports"]),
        ]))
        #expect(other.name == "reports")
        #expect(other.groups.isEmpty)
    }

    @Test func untrustedOrInvalidCertificatesAreRefused() async throws {
        let v = try verifier()
        #expect(await reason(v, [try certificate(uris: ["spiffe://evil.example.org/ns/prod/sa/billing"])]) == .untrustedTrustDomain)
        #expect(await reason(v, [try certificate(uris: [])]) == .invalidCertificate)
        #expect(await reason(v, [try certificate(uris: ["https://prod.example.org/x"])]) == .invalidCertificate)
        #expect(await reason(v, [try certificate(uris: ["spiffe://prod.example.org/a", "spiffe://prod.example.org/b"])]) == .invalidCertificate)
        #expect(await reason(v, [try certificate(uris: ["spiffe://prod.example.org/ns/../admin"])]) == .invalidCertificate)
        #expect(await reason(v, [try certificate(uris: ["spiffe://prod.example.org/ns/prod/sa/billing"], isCA: true)]) == .invalidCertificate)
        #expect(await reason(v, [[0x30, 0x03, 0x02, 0x01, 0x00]]) == .invalidCertificate)
        #expect(await reason(try verifier(requireListed: true),
                             [try certificate(uris: ["spiffe://prod.example.org/ns/prod/sa/unknown"])]) == .unknownService)
    }

    @Test func spiffeIDParsing() {
        #expect(SPIFFEID(string: "spiffe://td.example/ns/a")?.path == "/ns/a")
        for bad in ["spiffe://TD/x", "spiffe://td/", "spiffe://td", "spiffe://td//x", "spiffe://td/x/.", "spiffe://td:443/x",
                    "spiffe://user@td/x", "spiffe://td/x?q=1", "spiffe://td/x#f", "SPIFFE://td/x"] {
            #expect(SPIFFEID(string: bad) == nil, "\(bad)")
        }
    }

    @Test func upstreamUserIDIsAnHMACPseudonym() throws {
        let key = "0123456789abcdef0123456789abcdef"
        let config = IdentityConfiguration(issuers: [], mtls: MTLSConfiguration(trustDomains: []),
                                           upstreamUserID: .init(mode: .hmac, key: try SecretReference("env:UID_KEY")))
        let v = try IdentityVerifier(configuration: config, clock: ManualClock(), logger: quietLogger,
                                     environment: ["UID_KEY": key]) { _ in FakeJWKSSource("{}") }
        let alice = Principal(issuer: "https://idp", subject: "alice", kind: .user)
        let expected = HMAC<SHA256>.authenticationCode(for: Array("https://idp#alice".utf8), using: SymmetricKey(data: Array(key.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        #expect(v.upstreamUserID(for: alice) == expected)
        #expect(v.upstreamUserID(for: alice)?.count == 64)
        #expect(v.upstreamUserID(for: Principal(issuer: "https://idp", subject: "bob", kind: .user)) != expected)
        let none = try verifier()
        #expect(none.upstreamUserID(for: alice) == nil)
        #expect(throws: (any Error).self) {
            try IdentityVerifier(configuration: config, clock: ManualClock(), logger: quietLogger,
                                 environment: ["UID_KEY": "short"]) { _ in FakeJWKSSource("{}") }
        }
    }

    @Test func configurationDecodesStrictly() throws {
        let json = """
            {"issuers":[{"name":"staff","issuer":"https://login.example/t/v2.0","audiences":["api://p"],
              "claim_mapping":"entra_v2","max_token_age_seconds":7200,"require_access_token_typ":true}],
             "mtls":{"trust_domains":[{"trust_domain":"prod.example.org","services":{"/ns/a":{"name":"a","groups":["g"]}}}]},
             "upstream_user_id":{"mode":"hmac","key":"env:K"}}
            """
        let c = try JSONDecoder().decode(IdentityConfiguration.self, from: Data(json.utf8))
        #expect(c.issuers[0].algorithms == ["RS256", "ES256"])
        #expect(c.issuers[0].clockSkewSeconds == 60)
        #expect(c.issuers[0].discovery)
        #expect(c.issuers[0].claimMapping.preset == .entraV2)
        #expect(c.mtls?.trustDomains[0].services["/ns/a"]?.groups == ["g"])
        func fails(_ text: String) -> Bool {
            (try? JSONDecoder().decode(IdentityConfiguration.self, from: Data(text.utf8))) == nil
        }
        let issuer = #""name":"s","issuer":"https://idp.example","audiences":["a"]"#
        #expect(!fails(#"{"issuers":[{\#(issuer)}]}"#))
        #expect(fails(#"{"issuers":[{\#(issuer),"audiance":["a"]}]}"#))  // typo
        #expect(fails(#"{"issuers":[{\#(issuer)}],"gateway_keys":{"enabled":true}}"#))  // not offered
        #expect(fails(#"{"issuers":[{"name":"s","issuer":"https://idp.example","audiences":[]}]}"#))
        #expect(fails(#"{"issuers":[{\#(issuer),"algorithms":["none"]}]}"#))
        #expect(fails(#"{"issuers":[{"name":"s","issuer":"http://idp.example","audiences":["a"]}]}"#))  // http off loopback
        #expect(!fails(#"{"issuers":[{"name":"s","issuer":"http://127.0.0.1:5000/api/oidc","audiences":["a"]}]}"#))
        #expect(fails(#"{"issuers":[{\#(issuer),"discovery":false}]}"#))  // no key source
        #expect(fails(#"{"issuers":[{\#(issuer)}],"upstream_user_id":{"mode":"hmac"}}"#))
        #expect(fails(#"{"issuers":[{\#(issuer)}],"upstream_user_id":{"mode":"hmac","key":"literal-secret"}}"#))
        #expect(fails(#"{"issuers":[]}"#))
        #expect(fails(#"{"issuers":[{\#(issuer)},{\#(issuer)}]}"#))
    }
}
