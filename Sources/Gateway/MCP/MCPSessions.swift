import Core
import Crypto
import MCP
import Synchronization

/// The gateway's MCP sessions (handshake revisions). The gateway issues its own session ids — random, 256
/// bits — and keeps the server's behind them: a session belongs to the server and the principal that opened it —
/// with the services acting for them, if any (a session a workload opened for a user is not another workload's
/// for the same user) — and a request with another caller's session id is answered as if the session did not
/// exist (404).
///
/// With a shared database (`database.stores` has `mcp_sessions`; `PostgresMCPSessionStore`) the table lives
/// there, so every replica knows every session; otherwise in this process. A shared table that cannot be read
/// makes the lookup throw: the call is refused as unavailable, never served without its session.
final class MCPSessions: Sendable {
    struct Session: Sendable {
        let id: String
        let server: String
        let principalID: String
        /// The principal and the actor chain of the opening call (`Principal.callerKey`).
        let caller: String
        let revision: ProtocolRevision
        /// The server's own session id, if it issued one.
        var upstreamID: String?
        var lastUsed: ContinuousClock.Instant
        /// Ids (canonical JSON) of requests the server sent the client and the client has yet to answer.
        var serverRequests: Set<String> = []
    }

    private let sessions = Mutex<[String: Session]>([:])
    let idleLimit: Duration
    let maximumSessions: Int
    /// Sessions one principal may hold; opening one more closes its least recently used (one caller cannot
    /// fill the table for everyone).
    let maximumPerPrincipal: Int

    /// The table shared by the replicas, when there is one.
    let shared: PostgresMCPSessionStore?

    init(idleLimit: Duration, maximumSessions: Int = 100_000, maximumPerPrincipal: Int = 64, shared: PostgresMCPSessionStore? = nil) {
        self.idleLimit = idleLimit
        self.maximumSessions = maximumSessions
        self.maximumPerPrincipal = maximumPerPrincipal
        self.shared = shared
    }

    private var idleSeconds: Double { Double(idleLimit.components.seconds) + Double(idleLimit.components.attoseconds) / 1e18 }

    /// Opens a session; nil when the table is full even after dropping idle ones, or the shared table cannot be
    /// written.
    func open(server: String, principal: Principal, revision: ProtocolRevision, upstreamID: String?) async -> Session? {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = generator.next() }
        let now = ContinuousClock.now
        let session = Session(
            id: Hex.encode(bytes), server: server, principalID: principal.id, caller: principal.callerKey, revision: revision,
            upstreamID: upstreamID, lastUsed: now)
        if let shared {
            let opened = try? await shared.open(
                id: session.id, server: server, principalID: session.principalID, caller: session.caller, revision: revision.rawValue,
                upstreamID: upstreamID, idleSeconds: idleSeconds, maximumSessions: maximumSessions, maximumPerPrincipal: maximumPerPrincipal)
            return opened == true ? session : nil
        }
        return sessions.withLock { table in
            let own = table.values.filter { $0.principalID == session.principalID }
            if own.count >= maximumPerPrincipal, let oldest = own.min(by: { $0.lastUsed < $1.lastUsed }) { table[oldest.id] = nil }
            if table.count >= maximumSessions { table = table.filter { now - $0.value.lastUsed < idleLimit } }
            guard table.count < maximumSessions else { return nil }
            table[session.id] = session
            return session
        }
    }

    /// The session `id` of `server` opened by `principal`, touched; nil when unknown, idle too long, or another's.
    /// Throws when the shared table cannot be read.
    func session(_ id: String, server: String, principal: Principal) async throws -> Session? {
        let now = ContinuousClock.now
        if let shared {
            guard let row = try await shared.session(id: id, server: server, caller: principal.callerKey, idleSeconds: idleSeconds),
                let revision = ProtocolRevision(rawValue: row.revision)
            else { return nil }
            return Session(
                id: id, server: row.server, principalID: row.principalID, caller: principal.callerKey, revision: revision,
                upstreamID: row.upstreamID, lastUsed: now)
        }
        return sessions.withLock { table in
            guard var s = table[id] else { return nil }
            if now - s.lastUsed >= idleLimit {
                table[id] = nil
                return nil
            }
            guard s.server == server, s.caller == principal.callerKey else { return nil }
            s.lastUsed = now
            table[id] = s
            return s
        }
    }

    func close(_ id: String) async {
        if let shared {
            try? await shared.close(id: id)
            return
        }
        sessions.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// Remembers a request the server sent through this session, so the client's answer can be matched (not
    /// remembered when the shared table cannot be written: the answer is then refused).
    func expectAnswer(_ session: String, to requestID: JSONValue) async {
        let key = String(decoding: requestID.serialized(), as: UTF8.self)
        if let shared {
            try? await shared.expectAnswer(id: session, request: key)
            return
        }
        sessions.withLock { table in table[session]?.serverRequests.insert(key) }
    }

    /// Whether the client's answer `requestID` matches an open server request (consumed when it does).
    func takeAnswer(_ session: String, to requestID: JSONValue) async -> Bool {
        let key = String(decoding: requestID.serialized(), as: UTF8.self)
        if let shared { return (try? await shared.takeAnswer(id: session, request: key)) ?? false }
        return sessions.withLock { table in table[session]?.serverRequests.remove(key) != nil }
    }

    /// SHA-256 of a session id, for the audit record (the id itself is a bearer secret of sorts).
    static func digest(_ id: String) -> String { Hex.encode(SHA256.hash(data: Array(id.utf8))) }
}
