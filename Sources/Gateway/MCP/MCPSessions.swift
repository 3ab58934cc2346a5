import Core
import Crypto
import MCP
import Synchronization

/// The gateway's MCP sessions (handshake revisions). The gateway issues its own session ids — random, 256
/// bits — and keeps the server's behind them: a session belongs to the server and the principal that opened it —
/// with the services acting for them, if any (a session a workload opened for a user is not another workload's
/// for the same user) — and a request with another caller's session id is answered as if the session did not
/// exist (404).
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

    init(idleLimit: Duration, maximumSessions: Int = 100_000, maximumPerPrincipal: Int = 64) {
        self.idleLimit = idleLimit
        self.maximumSessions = maximumSessions
        self.maximumPerPrincipal = maximumPerPrincipal
    }

    /// Opens a session; nil when the table is full even after dropping idle ones.
    func open(server: String, principal: Principal, revision: ProtocolRevision, upstreamID: String?) -> Session? {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = generator.next() }
        let now = ContinuousClock.now
        let session = Session(
            id: Hex.encode(bytes), server: server, principalID: principal.id, caller: principal.callerKey, revision: revision,
            upstreamID: upstreamID, lastUsed: now)
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
    func session(_ id: String, server: String, principal: Principal) -> Session? {
        let now = ContinuousClock.now
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

    func close(_ id: String) { sessions.withLock { _ = $0.removeValue(forKey: id) } }

    /// Remembers a request the server sent through this session, so the client's answer can be matched.
    func expectAnswer(_ session: String, to requestID: JSONValue) {
        let key = String(decoding: requestID.serialized(), as: UTF8.self)
        sessions.withLock { table in table[session]?.serverRequests.insert(key) }
    }

    /// Whether the client's answer `requestID` matches an open server request (consumed when it does).
    func takeAnswer(_ session: String, to requestID: JSONValue) -> Bool {
        let key = String(decoding: requestID.serialized(), as: UTF8.self)
        return sessions.withLock { table in table[session]?.serverRequests.remove(key) != nil }
    }

    /// SHA-256 of a session id, for the audit record (the id itself is a bearer secret of sorts).
    static func digest(_ id: String) -> String { Hex.encode(SHA256.hash(data: Array(id.utf8))) }
}
