import Core

/// How much of the request and response bodies the trail keeps.
public enum ContentMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing about the bodies.
    case none
    /// SHA-256 of each body (the default): proves what was sent without keeping it.
    case hash
    /// The bodies after redaction, as the caller passes them in `requestBody` / `responseBody`.
    case redacted
    /// The full bodies, sealed with AES-256-GCM under a per-subject key (crypto-shreddable).
    case encrypted
}

/// What to do when the store cannot take a begin record.
public enum AuditFailMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Refuse the request (503) — the default.
    case closed
    /// Forward anyway; the failure is logged at critical level and counted.
    case open
}

/// The `audit:` section of `portcullis.yaml`.
public struct AuditConfiguration: Sendable, Hashable, Codable {
    /// SQLite database file (created with its directory if missing).
    public var path: String
    public var failMode: AuditFailMode
    public var content: ContentMode
    /// Sign a checkpoint after this many new records...
    public var checkpointEveryRecords: Int
    /// ...or after this many seconds, whichever comes first (only when records were added).
    public var checkpointEverySeconds: Double
    /// Ed25519 signing key: base64 of the raw 32-byte seed, or a PKCS#8 PEM. When absent the trail uses
    /// (and on first start creates) `<directory of path>/audit-signing.key` and logs a warning.
    public var signingKey: SecretReference?
    /// Master key for `encrypted` content: base64 of 32 random bytes. Required in `encrypted` mode.
    public var contentKey: SecretReference?
    /// Remove stored content (not the hash skeleton) of records older than this; nil keeps content.
    public var retentionDays: Int?
    /// The origin line of signed checkpoints and the name of the signing key.
    public var origin: String
    /// Collectors (SIEMs) that receive every committed record, at least once (see `AuditStreamConfiguration`).
    public var streams: [AuditStreamConfiguration]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, content, origin, streams
        case failMode = "fail_mode"
        case checkpointEveryRecords = "checkpoint_every_records"
        case checkpointEverySeconds = "checkpoint_every_seconds"
        case signingKey = "signing_key"
        case contentKey = "content_key"
        case retentionDays = "retention_days"
    }

    public init(
        path: String = "data/audit.sqlite", failMode: AuditFailMode = .closed, content: ContentMode = .hash,
        checkpointEveryRecords: Int = 1000, checkpointEverySeconds: Double = 60, signingKey: SecretReference? = nil,
        contentKey: SecretReference? = nil, retentionDays: Int? = nil, origin: String = "portcullis.audit",
        streams: [AuditStreamConfiguration] = []
    ) {
        self.path = path
        self.failMode = failMode
        self.content = content
        self.checkpointEveryRecords = checkpointEveryRecords
        self.checkpointEverySeconds = checkpointEverySeconds
        self.signingKey = signingKey
        self.contentKey = contentKey
        self.retentionDays = retentionDays
        self.origin = origin
        self.streams = streams
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AuditConfiguration()
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? d.path
        failMode = try c.decodeIfPresent(AuditFailMode.self, forKey: .failMode) ?? d.failMode
        content = try c.decodeIfPresent(ContentMode.self, forKey: .content) ?? d.content
        checkpointEveryRecords = try c.decodeIfPresent(Int.self, forKey: .checkpointEveryRecords) ?? d.checkpointEveryRecords
        checkpointEverySeconds = try c.decodeIfPresent(Double.self, forKey: .checkpointEverySeconds) ?? d.checkpointEverySeconds
        signingKey = try c.decodeIfPresent(SecretReference.self, forKey: .signingKey)
        contentKey = try c.decodeIfPresent(SecretReference.self, forKey: .contentKey)
        retentionDays = try c.decodeIfPresent(Int.self, forKey: .retentionDays)
        origin = try c.decodeIfPresent(String.self, forKey: .origin) ?? d.origin
        streams = try c.decodeIfPresent([AuditStreamConfiguration].self, forKey: .streams) ?? []
        var names = Set<String>()
        for (i, stream) in streams.enumerated() where !names.insert(stream.name).inserted {
            throw DecodingError.dataCorrupted(.init(
                codingPath: c.codingPath + [CodingKeys.streams, AnyCodingKey(intValue: i), AnyCodingKey(stringValue: "name")],
                debugDescription: "stream name '\(stream.name)' is used twice; each stream needs its own (it keys the stream's cursor)"))
        }
        guard checkpointEveryRecords > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .checkpointEveryRecords, in: c, debugDescription: "must be a positive number of records")
        }
        guard checkpointEverySeconds > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .checkpointEverySeconds, in: c, debugDescription: "must be a positive number of seconds")
        }
        if let r = retentionDays, r < 1 {
            throw DecodingError.dataCorruptedError(forKey: .retentionDays, in: c, debugDescription: "must be at least 1 day")
        }
        if content == .encrypted, contentKey == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .contentKey, in: c, debugDescription: "content: encrypted needs content_key (env:NAME or file:/path)")
        }
        guard !origin.isEmpty, !origin.contains("\n"), !origin.contains(" "), !origin.contains("+") else {
            throw DecodingError.dataCorruptedError(
                forKey: .origin, in: c, debugDescription: "must be a non-empty name without spaces, '+' or newlines")
        }
    }
}
