import Foundation

/// `x-request-id`: the caller's value when it is a sane token, otherwise a new UUID. Returned to the
/// caller, sent upstream, written to logs and the audit record.
enum RequestIdentifier {
    static func accept(_ header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
           header.utf8.allSatisfy({ b in
               (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
           }) {
            return header
        }
        return UUID().uuidString.lowercased()
    }
}
