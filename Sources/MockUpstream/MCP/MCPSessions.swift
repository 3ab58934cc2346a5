import MCP
import Support
import Synchronization

/// The handshake-era sessions of the mock MCP server: each `initialize` opens one under a fresh id (the
/// `Mcp-Session-Id` header), holding the negotiated revision; `DELETE /mcp` ends it. At most `capacity`
/// sessions are kept; opening one more forgets the least recently used, which then answers 404 like an
/// ended one.
final class MCPSessions: Sendable {
    private let sessions: Mutex<BoundedLRU<String, ProtocolRevision>>

    init(capacity: Int = 1024) {
        sessions = Mutex(BoundedLRU(capacity: capacity))
    }

    /// Opens a session with the negotiated revision; returns its id: 32 random hex digits, visible ASCII
    /// as the transport requires.
    func open(_ revision: ProtocolRevision) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let id = Hex.encode(bytes)
        sessions.withLock { _ = $0.set(id, revision) }
        return id
    }

    /// The revision negotiated for session `id`; nil when no such session is open.
    func revision(of id: String) -> ProtocolRevision? {
        sessions.withLock { $0.get(id) }
    }

    /// Ends session `id`; false when no such session was open.
    func end(_ id: String) -> Bool {
        sessions.withLock { $0.remove(id) != nil }
    }
}
