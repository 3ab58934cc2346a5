import Core
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// The shared PostgreSQL database of a deployment: one connection pool per replica (postgres-nio's
/// `PostgresClient`), TLS `verify-full`, schema migrations at start, and a deadline on every statement and
/// transaction so a database that is down or unreachable makes the controls that need it fail closed within
/// `query_timeout_seconds` — and work again, without a restart, once it is back (the pool reconnects).
public final class SharedDatabase: Sendable {
    public let dsn: PostgresDSN
    public let configuration: DatabaseConfiguration
    /// This replica's name in the shared store.
    public let replica: String
    let client: PostgresClient
    private let runner = Mutex<Task<Void, Never>?>(nil)
    private let health = Mutex<(ok: Bool, lastError: String?)>((true, nil))
    /// While the database is failing, one statement per `probeInterval` is let through to find out whether it is
    /// back; the others fail at once instead of each waiting out the deadline (a request touches the database
    /// several times: it must be refused in one deadline, not several).
    private let probe = Mutex<ContinuousClock.Instant?>(nil)
    private let failedAt = Mutex<ContinuousClock.Instant?>(nil)
    /// Every statement's deadline (`query_timeout_seconds`).
    private let deadlines = DeadlineWatch()
    static let probeInterval = Duration.seconds(1)
    let logger: Logger

    /// Connects lazily: the pool opens connections on first use. Call `start()` before use, `close()` after.
    public convenience init(configuration: DatabaseConfiguration, replica: String, logger: Logger = Logger(label: "portcullis.database")) throws {
        let text: String
        do { text = try configuration.url.resolve() } catch {
            throw DatabaseUnavailable(reason: "database.url: \(error)")
        }
        try self.init(dsn: PostgresDSN(text), configuration: configuration, replica: replica, logger: logger)
    }

    public init(dsn: PostgresDSN, configuration: DatabaseConfiguration, replica: String, logger: Logger = Logger(label: "portcullis.database")) throws {
        self.dsn = dsn
        self.configuration = configuration
        self.replica = replica
        self.logger = logger
        var tls = PostgresClient.Configuration.TLS.disable
        if dsn.tls == .verifyFull {
            var t = TLSConfiguration.makeClientConfiguration()
            t.certificateVerification = .fullVerification
            t.minimumTLSVersion = .tlsv12
            if let root = dsn.rootCertificate {
                do { t.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root)) } catch {
                    throw DatabaseUnavailable(reason: "sslrootcert \(root) cannot be read as PEM certificates")
                }
            }
            if let cert = dsn.clientCertificate, let key = dsn.clientKey {
                do {
                    t.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                    t.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                } catch {
                    throw DatabaseUnavailable(reason: "sslcert/sslkey cannot be read as PEM")
                }
            }
            tls = .require(t)
        }
        var c: PostgresClient.Configuration
        if let socket = dsn.socketPath {
            c = .init(unixSocketPath: socket + "/.s.PGSQL.\(dsn.port)", username: dsn.user, password: dsn.password, database: dsn.database)
        } else {
            c = .init(host: dsn.host, port: dsn.port, username: dsn.user, password: dsn.password, database: dsn.database, tls: tls)
            c.options.tlsServerName = dsn.tls == .verifyFull ? dsn.host : nil
        }
        c.options.maximumConnections = configuration.maxConnections
        c.options.connectTimeout = .milliseconds(Int64(configuration.connectTimeoutSeconds * 1000))
        c.options.additionalStartupParameters = [("application_name", "portcullis")]
        // The pool retries connections on its own and logs each failed attempt at `info`: keep its background
        // chatter at warnings; outages are reported once by `record(_:)`.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        client = PostgresClient(configuration: c, backgroundLogger: background)
    }

    /// Starts the pool's background work.
    public func start() {
        runner.withLock { task in
            guard task == nil else { return }
            let client = self.client
            task = Task { await client.run() }
        }
    }

    /// Stops the pool; statements in flight fail.
    public func close() {
        runner.withLock { $0?.cancel() }
    }

    /// Whether the last statement succeeded, and the last failure (for `/readyz`; never a bound value).
    public var status: (ok: Bool, lastError: String?) { health.withLock { $0 } }
    /// When a statement of this replica last failed (nil: never since start) — whatever it was for.
    public var lastFailure: ContinuousClock.Instant? { failedAt.withLock { $0 } }

    /// Runs one statement and returns all its rows (meant for small results).
    @discardableResult
    public func query(_ statement: PostgresQuery, what: String) async throws -> [PostgresRow] {
        let client = self.client
        return try await guarded(what) { try await client.query(statement).collect() }
    }

    /// Runs one prepared statement and returns all its rows decoded. Each pooled connection prepares it once
    /// (parsed and planned once, not on every run): for the statements of the hot path — the limits' swaps and
    /// reads, the audit trail's compare-and-swap append — whose text never changes.
    public func execute<Statement: PostgresPreparedStatement>(_ statement: Statement, what: String) async throws -> [Statement.Row]
    where Statement.Row: Sendable {
        let client = self.client
        return try await guarded(what) {
            var rows: [Statement.Row] = []
            for try await row in try await client.execute(statement) { rows.append(row) }
            return rows
        }
    }

    /// Runs `body` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws), under the deadline.
    public func transaction<T: Sendable>(what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client, logger = self.logger
        return try await guarded(what) {
            try await client.withConnection { connection in
                try await connection.withTransaction(logger: logger) { try await body($0) }
            }
        }
    }

    /// A round trip, for readiness.
    public func ping() async throws { try await query("SELECT 1", what: "ping") }

    private func guarded<T: Sendable>(_ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        if !health.withLock({ $0.ok }) {
            let now = ContinuousClock.now
            let mayProbe = probe.withLock { last -> Bool in
                guard let l = last, now - l < Self.probeInterval else {
                    last = now
                    return true
                }
                return false
            }
            guard mayProbe else { throw DatabaseUnavailable(reason: "\(what): the database is unavailable (failing since an earlier statement)") }
        }
        do {
            let value = try await deadlines.run(seconds: configuration.queryTimeoutSeconds, what: what, operation)
            await Self.rebalance()
            if !health.withLock({ $0.ok }) {
                health.withLock { $0 = (true, nil) }
                logger.notice("database reachable again")
            }
            return value
        } catch let error as DatabaseUnavailable {
            record(error.reason)
            throw error
        } catch let error as PSQLError {
            // The server's message, never the query text or its bound values.
            let reason = "\(what): \(error.code.description)\(error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")"
            record(reason)
            throw DatabaseUnavailable(reason: reason)
        } catch {
            record("\(what): \(type(of: error))")
            throw DatabaseUnavailable(reason: "\(what) failed")
        }
    }

    /// Continues on the next event loop of the process's group (round robin) when that is another thread. The
    /// event loops run the process's tasks (`Portcullis` installs them as the global executor) and a resumed task
    /// stays on the thread that resumed it: without this, whatever a statement's completion resumes — a batch of
    /// limit operations, a group commit of audit records, and with them every request waiting on them — would
    /// pile up on the event loop of the few connections in use (measured: one loop 83% busy, the other 17%).
    static func rebalance() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        guard !loop.inEventLoop else { return }
        await withCheckedContinuation { (resumed: CheckedContinuation<Void, Never>) in loop.execute { resumed.resume() } }
    }

    private func record(_ reason: String) {
        failedAt.withLock { $0 = .now }
        let wasOK = health.withLock { h -> Bool in
            defer { h = (false, reason) }
            return h.ok
        }
        if wasOK { logger.error("database unavailable", metadata: ["reason": "\(reason)", "database": "\(dsn.redacted)"]) }
    }
}

extension SharedDatabase {
    /// For statements inside a transaction body: failures surface through the transaction, which logs.
    public static let quiet = Logger(label: "portcullis.database", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A `bytea` bind for `bytes` (`[UInt8]` itself would bind as an array of `char`).
    public static func bytea(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
    /// The bytes of a decoded `bytea`.
    public static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }
}
