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
