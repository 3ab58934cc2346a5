import Core
import X509

/// A SPIFFE ID (`spiffe://trust-domain/path`), parsed by the rules of the SPIFFE ID specification: lower-case
/// trust domain of `[a-z0-9._-]`, path segments of `[A-Za-z0-9._-]` that are neither empty, `.` nor `..`, no
/// port, user info, query or fragment, at most 2048 bytes. Hand-written: no available package parses SPIFFE IDs.
public struct SPIFFEID: Sendable, Hashable, CustomStringConvertible {
    public let trustDomain: String
    /// The workload path, starting with `/` (for example `/ns/prod/sa/billing`).
    public let path: String

    public var description: String { "spiffe://\(trustDomain)\(path)" }

    public init?(string: String) {
        guard string.utf8.count <= 2048, string.hasPrefix("spiffe://") else { return nil }
        let rest = string.dropFirst("spiffe://".count)
        let domainEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let domain = String(rest[..<domainEnd])
        let path = String(rest[domainEnd...])
        guard Self.isValidTrustDomain(domain), !path.isEmpty else { return nil }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            guard !segment.isEmpty, segment != ".", segment != "..",
                segment.utf8.allSatisfy({ Self.isPathByte($0) })
            else { return nil }
        }
        trustDomain = domain
        self.path = path
    }

    static func isValidTrustDomain(_ domain: String) -> Bool {
        !domain.isEmpty && domain.utf8.count <= 255 && domain.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
                || c == UInt8(ascii: "_")
        }
    }

    private static func isPathByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }
}

/// Maps a client certificate chain, already verified against the listener's CA by the TLS layer, to a service
/// principal: the leaf must be an end-entity certificate with exactly one URI SAN that is a SPIFFE ID in a
/// trusted trust domain (X.509-SVID rules). Principal: issuer `spiffe://trust-domain`, subject = path.
struct SPIFFEAuthenticator: Sendable {
    let trustDomains: [String: SPIFFETrustDomain]

    init(configuration: MTLSConfiguration) {
        var domains: [String: SPIFFETrustDomain] = [:]
        for domain in configuration.trustDomains { domains[domain.trustDomain] = domain }
        trustDomains = domains
    }

    func authenticate(chain: [[UInt8]]) throws(AuthenticationFailure) -> Principal {
        guard let leafDER = chain.first, let leaf = try? Certificate(derEncoded: leafDER) else {
            throw AuthenticationFailure(.invalidCertificate, "the client certificate cannot be parsed")
        }
        if case .isCertificateAuthority? = try? leaf.extensions.basicConstraints {
            throw AuthenticationFailure(.invalidCertificate, "a CA certificate cannot identify a workload")
        }
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
        let service = domain.services[id.path]
        if service == nil && domain.requireListedService { throw AuthenticationFailure(.unknownService) }
        let lastSegment = id.path.split(separator: "/").last.map(String.init)
        return Principal(
            issuer: "spiffe://\(id.trustDomain)", subject: id.path, kind: .service, name: service?.name ?? lastSegment,
            groups: service?.groups ?? [], roles: service?.roles ?? [], authenticationMethod: "mtls")
    }
}
