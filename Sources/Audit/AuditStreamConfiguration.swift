import Core
import Foundation

/// One entry of `audit.streams`: a collector (a SIEM's syslog or HTTPS intake) that receives every committed
/// record as an OCSF event, at least once, in sequence order, from a cursor kept in the audit store.
public struct AuditStreamConfiguration: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// RFC 5424 messages over TLS (RFC 5425 octet-counting framing).
        case syslog
        /// JSON lines POSTed to a URL with a bearer token.
        case https
    }

    public enum Destination: Sendable, Hashable {
        case syslog(SyslogDestination)
        case https(HTTPSDestination)
    }

    /// Names the stream in metrics, `/readyz`, logs, and its cursor (`stream.<name>.cursor`): [a-z0-9_-], 1-64.
    public var name: String
    public var destination: Destination
    /// Records per message batch (one POST; for syslog, one write).
    public var batchRecords: Int
    /// Above this many unsent records `/readyz` reports the stream as behind. Nothing is dropped: the
    /// records stay in the store until the collector takes them.
    public var maxBacklogRecords: Int
    /// The longest wait between two attempts while the collector fails (backoff doubles from 0.5 s up to it).
    public var retryMaxSeconds: Double
    /// `/readyz` reports the stream failing once records have waited this long for a collector that keeps failing.
    public var stalledAfterSeconds: Double

    public var kind: Kind {
        switch destination {
        case .syslog: .syslog
        case .https: .https
        }
    }

    public static let defaultBatchRecords = 500
    public static let defaultMaxBacklogRecords = 1_000_000
    public static let defaultRetryMaxSeconds = 30.0
    public static let defaultStalledAfterSeconds = 300.0

    public init(
        name: String, destination: Destination, batchRecords: Int = defaultBatchRecords,
        maxBacklogRecords: Int = defaultMaxBacklogRecords, retryMaxSeconds: Double = defaultRetryMaxSeconds,
        stalledAfterSeconds: Double = defaultStalledAfterSeconds
    ) {
        self.name = name
        self.destination = destination
        self.batchRecords = batchRecords
        self.maxBacklogRecords = maxBacklogRecords
        self.retryMaxSeconds = retryMaxSeconds
        self.stalledAfterSeconds = stalledAfterSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind
        case batchRecords = "batch_records"
        case maxBacklogRecords = "max_backlog_records"
        case retryMaxSeconds = "retry_max_seconds"
        case stalledAfterSeconds = "stalled_after_seconds"
    }

    /// Whether `name` can name a stream (it becomes part of a metadata key and a metric label).
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        // Keys are checked against the kind: `url` on a syslog stream is a mistake, not something to ignore.
        let own: [String] = switch kind {
        case .syslog: SyslogDestination.CodingKeys.allCases.map(\.stringValue)
        case .https: HTTPSDestination.CodingKeys.allCases.map(\.stringValue)
        }
        let allowed = Set(CodingKeys.allCases.map(\.stringValue) + own)
        for key in try decoder.container(keyedBy: AnyCodingKey.self).allKeys where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [key],
                debugDescription: "unknown key '\(key.stringValue)' for a \(kind.rawValue) stream; expected one of: \(allowed.sorted().joined(separator: ", "))"))
        }
        name = try c.decode(String.self, forKey: .name)
        guard Self.isValidName(name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .name, in: c, debugDescription: "a stream name is 1-64 characters of a-z, 0-9, '_' and '-'")
        }
        destination = switch kind {
        case .syslog: .syslog(try SyslogDestination(from: decoder))
        case .https: .https(try HTTPSDestination(from: decoder))
        }
        batchRecords = try c.decodeIfPresent(Int.self, forKey: .batchRecords) ?? Self.defaultBatchRecords
        guard (1...10_000).contains(batchRecords) else {
            throw DecodingError.dataCorruptedError(forKey: .batchRecords, in: c, debugDescription: "expected 1 to 10000 records")
        }
        maxBacklogRecords = try c.decodeIfPresent(Int.self, forKey: .maxBacklogRecords) ?? Self.defaultMaxBacklogRecords
        guard maxBacklogRecords > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .maxBacklogRecords, in: c, debugDescription: "must be a positive number of records")
        }
        retryMaxSeconds = try c.decodeIfPresent(Double.self, forKey: .retryMaxSeconds) ?? Self.defaultRetryMaxSeconds
        guard retryMaxSeconds >= 0.5, retryMaxSeconds <= 3600 else {
            throw DecodingError.dataCorruptedError(forKey: .retryMaxSeconds, in: c, debugDescription: "expected 0.5 to 3600 seconds")
        }
        stalledAfterSeconds = try c.decodeIfPresent(Double.self, forKey: .stalledAfterSeconds) ?? Self.defaultStalledAfterSeconds
        guard stalledAfterSeconds > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .stalledAfterSeconds, in: c, debugDescription: "must be a positive number of seconds")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(batchRecords, forKey: .batchRecords)
        try c.encode(maxBacklogRecords, forKey: .maxBacklogRecords)
        try c.encode(retryMaxSeconds, forKey: .retryMaxSeconds)
        try c.encode(stalledAfterSeconds, forKey: .stalledAfterSeconds)
        switch destination {
        case .syslog(let s): try s.encode(to: encoder)
        case .https(let h): try h.encode(to: encoder)
        }
    }
}

extension AuditStreamConfiguration {
    /// Whether `host` names this machine's loopback interface (where plain http is allowed, for tests).
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
