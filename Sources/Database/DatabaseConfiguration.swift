import Core

/// `database:` — the PostgreSQL database shared by the replicas of a deployment. `stores` lists the controls
/// that keep their state there (all of them by default); without this section every store stays embedded
/// (SQLite or in memory) and each gateway process enforces and records on its own.
public struct DatabaseConfiguration: Sendable, Decodable, Equatable {
    /// The connection string, by reference (it carries the password):
    /// `postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=verify-full&sslrootcert=/path/ca.pem`.
    public var url: SecretReference
    /// Connections in the pool of this replica.
    public var maxConnections: Int
    /// How long opening a connection may take.
    public var connectTimeoutSeconds: Double
    /// How long one statement or transaction may take, waiting for a connection included; past it the
    /// control that needed the database fails closed.
    public var queryTimeoutSeconds: Double
    /// This replica's name in the shared store (whose open requests are whose after a crash). Default: the
    /// host name and the listening port. Must be unique among the replicas and stable across restarts.
    public var replica: String?
    /// A replica that has not renewed its lease for this long is taken as gone: another replica closes the
    /// audit trails it left open (`aborted`).
    public var replicaLeaseSeconds: Double
    /// The controls whose state is shared through this database.
    public var stores: Set<SharedStore>

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
        case maxConnections = "max_connections"
        case connectTimeoutSeconds = "connect_timeout_seconds"
        case queryTimeoutSeconds = "query_timeout_seconds"
        case replica
        case replicaLeaseSeconds = "replica_lease_seconds"
        case stores
    }

    public init(
        url: SecretReference, maxConnections: Int = 16, connectTimeoutSeconds: Double = 5, queryTimeoutSeconds: Double = 5,
        replica: String? = nil, replicaLeaseSeconds: Double = 30, stores: Set<SharedStore> = Set(SharedStore.allCases)
    ) {
        self.stores = stores
        self.url = url
        self.maxConnections = maxConnections
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.queryTimeoutSeconds = queryTimeoutSeconds
        self.replica = replica
        self.replicaLeaseSeconds = replicaLeaseSeconds
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(SecretReference.self, forKey: .url)
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? 16
        connectTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .connectTimeoutSeconds) ?? 5
        queryTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .queryTimeoutSeconds) ?? 5
        replica = try c.decodeIfPresent(String.self, forKey: .replica)
        replicaLeaseSeconds = try c.decodeIfPresent(Double.self, forKey: .replicaLeaseSeconds) ?? 30
        let listed = try c.decodeIfPresent([SharedStore].self, forKey: .stores)
        stores = Set(listed ?? SharedStore.allCases)
        if let listed, listed.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .stores, in: c, debugDescription: "expected at least one of \(SharedStore.allCases.map(\.rawValue).joined(separator: ", ")) (or leave out the database section)")
        }
        guard (1...1000).contains(maxConnections) else {
            throw DecodingError.dataCorruptedError(forKey: .maxConnections, in: c, debugDescription: "expected 1 to 1000")
        }
        for (key, value) in [(CodingKeys.connectTimeoutSeconds, connectTimeoutSeconds), (.queryTimeoutSeconds, queryTimeoutSeconds)]
        where !(value > 0 && value <= 300) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected seconds in (0, 300]")
        }
        guard replicaLeaseSeconds >= 5 && replicaLeaseSeconds <= 3600 else {
            throw DecodingError.dataCorruptedError(forKey: .replicaLeaseSeconds, in: c, debugDescription: "expected 5 to 3600 seconds")
        }
        if let r = replica, r.isEmpty || r.count > 128 || !r.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) {
            throw DecodingError.dataCorruptedError(forKey: .replica, in: c, debugDescription: "expected 1 to 128 printable ASCII characters")
        }
    }
}

/// A control whose state can live in the shared database.
public enum SharedStore: String, Sendable, Codable, Hashable, CaseIterable {
    /// The audit trail: one chain for the whole cluster.
    case audit
    /// Rate-limit buckets and budget accounts.
    case limits
    /// The response cache.
    case cache
    /// DPoP proof `jti`s seen (replay protection).
    case dpopReplay = "dpop_replay"
    /// MCP tool pins and definitions awaiting approval.
    case mcpPins = "mcp_pins"
    /// The gateway's MCP sessions (any replica serves any session).
    case mcpSessions = "mcp_sessions"
}
