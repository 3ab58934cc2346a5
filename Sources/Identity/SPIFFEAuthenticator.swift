import Core
import Foundation
import SwiftASN1
import X509

/// Maps a client certificate chain, already verified against the listener's CA by the TLS layer, to a service
/// principal (X.509-SVID rules): the leaf must be an end-entity certificate (not a CA; key usage, when present,
/// includes digitalSignature and neither keyCertSign nor cRLSign; extended key usage, when present, includes
/// clientAuth) with exactly one URI SAN that is a SPIFFE ID in a trusted trust domain, and — when the domain has a
/// `ca_bundle` — it must chain to that bundle, so a CA trusted for one domain cannot mint identities of another.
/// Principal: issuer `spiffe://trust-domain`, subject = path.
struct SPIFFEAuthenticator: Sendable {
    struct Domain: Sendable {
        let configuration: SPIFFETrustDomain
        let roots: CertificateStore?
    }

    let trustDomains: [String: Domain]

    init(configuration: MTLSConfiguration) throws {
        var domains: [String: Domain] = [:]
        for domain in configuration.trustDomains {
            domains[domain.trustDomain] = Domain(configuration: domain, roots: try domain.caBundle.map(Self.loadBundle))
        }
        trustDomains = domains
    }

    static func loadBundle(_ path: String) throws -> CertificateStore {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw IdentitySetupFailure(description: "cannot read ca_bundle \(path)")
        }
        let certificates = try? PEMDocument.parseMultiple(pemString: text).map { try Certificate(pemDocument: $0) }
        guard let certificates, !certificates.isEmpty else {
            throw IdentitySetupFailure(description: "ca_bundle \(path) holds no PEM certificate")
        }
        return CertificateStore(certificates)
    }

    func authenticate(chain: [[UInt8]]) async throws(AuthenticationFailure) -> Principal {
        guard let leafDER = chain.first, let leaf = try? Certificate(derEncoded: leafDER) else {
            throw AuthenticationFailure(.invalidCertificate, "the client certificate cannot be parsed")
        }
        try Self.checkUsage(leaf)
        guard let names = try? leaf.extensions.subjectAlternativeNames else {
            throw AuthenticationFailure(.invalidCertificate)
        }
        let uris = names.compactMap { name -> String? in
            if case .uniformResourceIdentifier(let uri) = name { return uri }
            return nil
        }
        guard uris.count == 1, let id = SPIFFEID(string: uris[0]) else {
            throw AuthenticationFailure(.invalidCertificate, "the client certificate must carry exactly one SPIFFE ID")
        }
        guard let domain = trustDomains[id.trustDomain] else { throw AuthenticationFailure(.untrustedTrustDomain) }
        if let roots = domain.roots {
            let intermediates = CertificateStore(chain.dropFirst().compactMap { try? Certificate(derEncoded: $0) })
            var verifier = Verifier(rootCertificates: roots) {
                RFC5280Policy(validationTime: Date())
                SVIDLeafExtensions()
            }
            guard case .validCertificate = await verifier.validate(leaf: leaf, intermediates: intermediates) else {
                throw AuthenticationFailure(.untrustedTrustDomain, "the client certificate is not issued by its trust domain's CA")
            }
        }
        let service = domain.configuration.services[id.path]
        if service == nil && domain.configuration.requireListedService { throw AuthenticationFailure(.unknownService) }
        let lastSegment = id.path.split(separator: "/").last.map(String.init)
        return Principal(
            issuer: "spiffe://\(id.trustDomain)", subject: id.path, kind: .service, name: service?.name ?? lastSegment,
            groups: service?.groups ?? [], roles: service?.roles ?? [], authenticationMethod: "mtls")
    }

    /// X.509-SVID §4: a leaf is not a CA and signs (digitalSignature), never certificates or CRLs; a client SVID's
    /// extended key usage, if restricted, allows client authentication. Unparsable extensions refuse.
    static func checkUsage(_ leaf: Certificate) throws(AuthenticationFailure) {
        let constraints: BasicConstraints?
        let usage: KeyUsage?
        let extended: ExtendedKeyUsage?
        do {
            constraints = try leaf.extensions.basicConstraints
            usage = try leaf.extensions.keyUsage
            extended = try leaf.extensions.extendedKeyUsage
        } catch {
            throw AuthenticationFailure(.invalidCertificate, "the client certificate's extensions cannot be parsed")
        }
        if case .isCertificateAuthority? = constraints {
            throw AuthenticationFailure(.invalidCertificate, "a CA certificate cannot identify a workload")
        }
        if let usage, !usage.digitalSignature || usage.keyCertSign || usage.cRLSign {
            throw AuthenticationFailure(.invalidCertificate, "the client certificate's key usage is not a workload's")
        }
        if let extended, !extended.contains(.clientAuth), !extended.contains(.any) {
            throw AuthenticationFailure(.invalidCertificate, "the client certificate is not for client authentication")
        }
    }
}

/// The leaf extensions `SPIFFEAuthenticator` enforces itself (SVIDs often mark the SAN critical), declared so the
/// chain check does not refuse them as unhandled.
private struct SVIDLeafExtensions: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.extendedKeyUsage,
    ]

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult { .meetsPolicy }
}
