import Core
import Database
import PostgresNIO
import Synchronization

/// The response cache shared by the replicas, in PostgreSQL, identity-scoped as in memory: a row is found by
/// the SHA-256 of the full key (partition, owner, model, operation, request bytes and obligations) and served
/// only when the stored full key equals the request's — a hash alone never decides. Expired rows are not
/// served and are deleted in the background; beyond `max_entries` the oldest are deleted (about once a minute).
public final class PostgresAnswerCacheStore: AnswerCacheStore {
    let database: SharedDatabase
    let maxEntries: Int
    private let nextPurge = Atomic<Int64>(0)
    private let size = SharedCacheSize()

    public init(database: SharedDatabase, maxEntries: Int) async throws {
        self.database = database
        self.maxEntries = maxEntries
        try await database.migrate(component: "cache", Self.schema)
    }

    static let schema: [SchemaStep] = [
        SchemaStep(version: 1, [
            """
            CREATE TABLE cache_entries (
              digest bytea PRIMARY KEY, key bytea NOT NULL, kind text NOT NULL, body bytea NOT NULL, content_type text NOT NULL,
              input_tokens bigint NOT NULL, output_tokens bigint NOT NULL, cache_write_tokens bigint NOT NULL,
              cache_read_tokens bigint NOT NULL, stored_at bigint NOT NULL, expires_at bigint NOT NULL, bytes integer NOT NULL)
            """,
            "CREATE INDEX cache_entries_expiry ON cache_entries (expires_at)",
            "CREATE INDEX cache_entries_stored ON cache_entries (stored_at)",
        ]),
    ]

    public func get(_ key: CacheKey, now: Int64) async throws -> CacheLookup {
        purgeIfDue(now: now)
        let full = SharedKeys.cache(key)
        let rows = try await database.query("""
            SELECT key, kind, body, content_type, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, stored_at, expires_at
            FROM cache_entries WHERE digest = \(SharedDatabase.bytea(SharedKeys.digest(full)))
            """, what: "cache read")
        guard let row = rows.first else { return .miss }
        let (storedKey, kind, body, contentType, input, output, write, read, storedAt, expiresAt) = try row.decode(
            (ByteBuffer, String, ByteBuffer, String, Int, Int, Int, Int, Int64, Int64).self)
        guard SharedDatabase.bytes(storedKey) == full else { return .miss }
        guard now < expiresAt else { return .expired }
        let payload: CachedAnswer.Payload
        switch kind {
        case "complete": payload = .complete(body: SharedDatabase.bytes(body))
        case "stream":
            guard let events = Self.events(SharedDatabase.bytes(body)) else { return .miss }
            payload = .stream(events: events)
        default: return .miss  // a kind this gateway does not know is never served
        }
        var answer = CachedAnswer(
            payload: payload, usage: TokenUsage(inputTokens: input, outputTokens: output, cacheWriteTokens: write, cacheReadTokens: read),
            contentType: contentType)
        answer.storedAt = storedAt
        return .hit(answer)
    }

    public func put(_ key: CacheKey, _ response: CachedAnswer, expiresAt: Int64) async throws -> Int? {
        let full = SharedKeys.cache(key)
        let (kind, body): (String, [UInt8]) = switch response.payload {
        case .complete(let b): ("complete", b)
        case .stream(let events): ("stream", Self.encode(events))
        }
        let u = response.usage
        let size = key.byteCount + response.byteCount
        try await database.query("""
            INSERT INTO cache_entries (digest, key, kind, body, content_type, input_tokens, output_tokens, cache_write_tokens,
              cache_read_tokens, stored_at, expires_at, bytes)
            VALUES (\(SharedDatabase.bytea(SharedKeys.digest(full))), \(SharedDatabase.bytea(full)), \(kind), \(SharedDatabase.bytea(body)),
              \(response.contentType), \(u.inputTokens), \(u.outputTokens), \(u.cacheWriteTokens), \(u.cacheReadTokens),
              \(response.storedAt), \(expiresAt), \(size))
            ON CONFLICT (digest) DO UPDATE SET key = EXCLUDED.key, kind = EXCLUDED.kind, body = EXCLUDED.body,
              content_type = EXCLUDED.content_type, input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
              cache_write_tokens = EXCLUDED.cache_write_tokens, cache_read_tokens = EXCLUDED.cache_read_tokens,
              stored_at = EXCLUDED.stored_at, expires_at = EXCLUDED.expires_at, bytes = EXCLUDED.bytes
            """, what: "cache write")
        return 0
    }

    public func removeAll() async throws {
        try await database.query("DELETE FROM cache_entries", what: "cache clear")
    }

    /// As of the last background sweep (the rows live in the database).
    public var entryCount: Int { size.entries.load(ordering: .relaxed) }
    public var byteCount: Int { size.bytes.load(ordering: .relaxed) }

    /// Stream events as 4-byte lengths and bytes.
    static func encode(_ events: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for e in events { SharedKeys.append(e, to: &out) }
        return out
    }

    static func events(_ bytes: [UInt8]) -> [[UInt8]]? {
        var events: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            guard i + 4 <= bytes.count else { return nil }
            let n = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            i += 4
            guard n <= bytes.count - i else { return nil }
            events.append(Array(bytes[i..<(i + n)]))
            i += n
        }
        return events
    }

    private func purgeIfDue(now: Int64) {
        let due = nextPurge.load(ordering: .relaxed)
        guard now >= due, nextPurge.compareExchange(expected: due, desired: now + 60_000_000_000, ordering: .relaxed).exchanged else { return }
        let database = self.database, maxEntries = self.maxEntries, size = self.size
        Task {
            try? await database.query("DELETE FROM cache_entries WHERE expires_at <= \(now)", what: "cache purge")
            try? await database.query("""
                DELETE FROM cache_entries WHERE digest IN (SELECT digest FROM cache_entries ORDER BY stored_at DESC OFFSET \(maxEntries))
                """, what: "cache trim")
            if let row = try? await database.query("SELECT count(*), COALESCE(sum(bytes), 0) FROM cache_entries", what: "cache size").first,
               let (n, b) = try? row.decode((Int, Int).self) {
                size.entries.store(n, ordering: .relaxed)
                size.bytes.store(b, ordering: .relaxed)
            }
        }
    }
}

/// The shared cache's size as of its last sweep.
private final class SharedCacheSize: Sendable {
    let entries = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
}
