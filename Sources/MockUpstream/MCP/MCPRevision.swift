/// The MCP protocol revisions the mock's `/mcp` endpoint speaks, and how a request's revision is chosen.
///
/// Two eras: the handshake era (2025-06-18, 2025-11-25: `initialize`, then a session named by the
/// `Mcp-Session-Id` header) and the stateless era (2026-07-28: no session, every request carries its
/// revision in `params._meta` and in headers).
enum MCPRevision: String, CaseIterable, Sendable {
    case june2025 = "2025-06-18"
    case november2025 = "2025-11-25"
    case july2026 = "2026-07-28"

    enum Era: Sendable {
        /// `initialize` handshake and sessions.
        case handshake
        /// Per-request envelope, no session.
        case stateless
    }

    var era: Era {
        switch self {
        case .june2025, .november2025: .handshake
        case .july2026: .stateless
        }
    }

    /// The handshake answer when the client asks for a revision the mock does not speak by `initialize`.
    static let latestHandshake = MCPRevision.november2025

    /// Every revision, oldest first, as `server/discover` lists them.
    static let supportedNames = allCases.map(\.rawValue)

    /// The stateless revisions, as a `-32022` error's `data.supported` lists them.
    static let statelessNames = allCases.filter { $0.era == .stateless }.map(\.rawValue)

    /// The `initialize` negotiation: the requested revision when the mock speaks it by handshake, otherwise
    /// the latest handshake revision (the client then decides whether it can continue).
    static func negotiated(requested: String) -> MCPRevision {
        if let revision = MCPRevision(rawValue: requested), revision.era == .handshake { return revision }
        return latestHandshake
    }

    /// Every revision the specification reaches by `initialize`, spoken here or not. A request whose
    /// `MCP-Protocol-Version` header names one of them belongs to the handshake era (as the official SDK
    /// routes it); any other value, when present, is judged by the stateless rules.
    static let handshakeEraNames: Set<String> = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
}
