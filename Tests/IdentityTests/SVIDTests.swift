import Core
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import Identity

/// X.509-SVID rules beyond the SPIFFE ID: key usages, and binding each trust domain to the CA that issues it.
@Suite struct SVIDTests {
    struct CA {
        let key = P256.Signing.PrivateKey()
        let name: String
        var certificate: Certificate {
            get throws {
                let dn = try DistinguishedName { CommonName(name) }
                return try Certificate(
                    version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                    notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86_400),
                    issuer: dn, subject: dn, signatureAlgorithm: .ecdsaWithSHA256,
                    extensions: try Certificate.Extensions {
                        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                        KeyUsage(keyCertSign: true)
                    },
                    issuerPrivateKey: .init(key))
            }
        }

        func pem() throws -> String { try certificate.serializeAsPEM().pemString }

        /// A leaf for `uri`, with optional key usages.
        func leaf(_ uri: String, keyUsage: KeyUsage? = nil, extendedKeyUsage: [ExtendedKeyUsage.Usage]? = nil,
                  criticalSAN: Bool = false) throws -> [UInt8] {
            let key = P256.Signing.PrivateKey()
            let cert = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                notValidBefore: Date().addingTimeInterval(-60), notValidAfter: Date().addingTimeInterval(3600),
                issuer: try DistinguishedName { CommonName(name) }, subject: DistinguishedName(),
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    if criticalSAN { Critical(SubjectAlternativeNames([.uniformResourceIdentifier(uri)])) }
                    else { SubjectAlternativeNames([.uniformResourceIdentifier(uri)]) }
                    if let keyUsage { Critical(keyUsage) }
                    if let extendedKeyUsage { try ExtendedKeyUsage(extendedKeyUsage) }
                },
                issuerPrivateKey: .init(self.key))
            var serializer = DER.Serializer()
            try serializer.serialize(cert)
            return serializer.serializedBytes
        }
    }

    let prodCA = CA(name: "prod CA")
    let devCA = CA(name: "dev CA")

    func verifier(_ domains: [SPIFFETrustDomain]) throws -> IdentityVerifier {
        try IdentityVerifier(
            configuration: IdentityConfiguration(issuers: [], mtls: MTLSConfiguration(trustDomains: domains)),
            clock: ManualClock(), logger: quietLogger, environment: [:]) { _ in FakeJWKSSource("{}") }
    }

    func bundle(_ ca: CA) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem").path
        try ca.pem().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func reason(_ v: IdentityVerifier, _ der: [UInt8]) async -> AuthenticationFailure.Reason? {
        do { _ = try await v.authenticate(Credentials(clientCertificateChain: [der])); return nil } catch { return error.reason }
    }

    @Test func keyUsagesMustBeAWorkloads() async throws {
        let v = try verifier([SPIFFETrustDomain(trustDomain: "prod.example.org")])
        let id = "spiffe://prod.example.org/ns/prod/sa/billing"
        #expect(await reason(v, try prodCA.leaf(id, keyUsage: KeyUsage(digitalSignature: true))) == nil)
        #expect(await reason(v, try prodCA.leaf(id, extendedKeyUsage: [.clientAuth, .serverAuth])) == nil)
        #expect(await reason(v, try prodCA.leaf(id, keyUsage: KeyUsage(digitalSignature: true, keyCertSign: true))) == .invalidCertificate)
        #expect(await reason(v, try prodCA.leaf(id, keyUsage: KeyUsage(digitalSignature: true, cRLSign: true))) == .invalidCertificate)
        #expect(await reason(v, try prodCA.leaf(id, keyUsage: KeyUsage(keyEncipherment: true))) == .invalidCertificate)
        #expect(await reason(v, try prodCA.leaf(id, extendedKeyUsage: [.serverAuth])) == .invalidCertificate)
        #expect(await reason(v, try prodCA.leaf(id, extendedKeyUsage: [.codeSigning])) == .invalidCertificate)
    }

    @Test func aTrustDomainIsBoundToItsCA() async throws {
        let v = try verifier([
            SPIFFETrustDomain(trustDomain: "prod.example.org", caBundle: try bundle(prodCA)),
            SPIFFETrustDomain(trustDomain: "dev.example.org", caBundle: try bundle(devCA)),
        ])
        // Both CAs may be in the listener's client_ca; each may only speak for its own domain.
        #expect(await reason(v, try prodCA.leaf("spiffe://prod.example.org/ns/prod/sa/billing", criticalSAN: true)) == nil)
        #expect(await reason(v, try devCA.leaf("spiffe://dev.example.org/ns/dev/sa/test")) == nil)
        #expect(await reason(v, try devCA.leaf("spiffe://prod.example.org/ns/prod/sa/billing")) == .untrustedTrustDomain)
        #expect(await reason(v, try prodCA.leaf("spiffe://dev.example.org/ns/dev/sa/test")) == .untrustedTrustDomain)
    }

    @Test func severalTrustDomainsNeedBundles() throws {
        let json = #"{"trust_domains":[{"trust_domain":"a.example"},{"trust_domain":"b.example","ca_bundle":"/b.pem"}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MTLSConfiguration.self, from: Data(json.utf8)) }
        let one = #"{"trust_domains":[{"trust_domain":"a.example"}]}"#
        #expect(try JSONDecoder().decode(MTLSConfiguration.self, from: Data(one.utf8)).trustDomains.count == 1)
        #expect(throws: IdentitySetupFailure.self) {
            _ = try verifier([SPIFFETrustDomain(trustDomain: "a.example", caBundle: "/nonexistent/ca.pem")])
        }
    }

    @Test func jwksRedirectsAreCheckedLikeConfiguredURLs() {
        let base = "https://idp.example/keys"
        #expect(JWKSLocation.redirectTarget(from: base, location: "https://cdn.example/jwks") == "https://cdn.example/jwks")
        #expect(JWKSLocation.redirectTarget(from: base, location: "/v2/keys") == "https://idp.example/v2/keys")
        #expect(JWKSLocation.redirectTarget(from: base, location: "http://evil.example/jwks") == nil)
        #expect(JWKSLocation.redirectTarget(from: base, location: "http://127.0.0.1/jwks") == nil)  // no downgrade
        #expect(JWKSLocation.redirectTarget(from: "http://127.0.0.1:9/keys", location: "http://localhost:9/k") == "http://localhost:9/k")
        #expect(JWKSLocation.redirectTarget(from: base, location: "file:///etc/passwd") == nil)
    }
}
