import Crypto
import Foundation
import Support

/// The canonical form of a record: Support's canonical JSON (keys sorted by UTF-8 bytes, no insignificant
/// whitespace, `/` unescaped, doubles in shortest round-trip form), times as RFC 3339 UTC with milliseconds. The chain hashes the stored bytes of this encoding, so
/// verification never depends on re-encoding a record identically (see docs/audit.md).
enum CanonicalEncoding {
    static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(timeStyle.format(date))
        }
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { dec in
            let s = try dec.singleValueContainer().decode(String.self)
            guard let date = try? timeStyle.parse(s) else {
                throw DecodingError.dataCorrupted(.init(codingPath: dec.codingPath, debugDescription: "not an RFC 3339 time"))
            }
            return date
        }
        return d
    }

    /// hash_n = SHA-256(hash_{n-1} || canonical_n), with hash_0 = 32 zero bytes.
    static func chainHash(previous: [UInt8], canonical: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        h.update(data: canonical)
        return Array(h.finalize())
    }

    static let genesis = [UInt8](repeating: 0, count: 32)

    static func sha256Hex(_ bytes: [UInt8]) -> String { Hex.encode(SHA256.hash(data: bytes)) }
}

/// The fields of a canonical record that the store also keeps in their own columns; `verify` checks the
/// columns against the hashed encoding so that editing a column is caught too.
struct RecordSkeleton: Decodable {
    struct P: Decodable {
        var issuer: String?
        var subject: String
    }
    var sequence: Int
    var time: String
    /// Absent in records written before trail ids: the trail is then the request id.
    var trailID: String?
    var requestID: String
    var phase: String
    var principal: P?
    var outcome: String?
    var content: CapturedContent?

    enum CodingKeys: String, CodingKey {
        case sequence, time, phase, principal, outcome, content
        case requestID = "request_id"
        case trailID = "trail_id"
    }

    var trail: String { trailID ?? requestID }
}
