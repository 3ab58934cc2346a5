/// The MCP protocol revisions the gateway speaks: two with the `initialize` handshake and sessions, and the
/// stateless one (every request self-contained, routing headers checked against the body).
public enum ProtocolRevision: String, Sendable, CaseIterable, Comparable {
    case june2025 = "2025-06-18"
    case november2025 = "2025-11-25"
    case stateless2026 = "2026-07-28"

    public static let latestHandshake = ProtocolRevision.november2025
    public static let handshake: [ProtocolRevision] = [.june2025, .november2025]

    public var isStateless: Bool { self == .stateless2026 }

    public static func < (a: ProtocolRevision, b: ProtocolRevision) -> Bool { a.rawValue < b.rawValue }

    /// `_meta` key of the stateless envelope carrying the revision.
    public static let metaVersionKey = "io.modelcontextprotocol/protocolVersion"
    /// `_meta` key of the stateless envelope carrying the client's capabilities.
    public static let metaCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
}
