/// The MCP part of a record: one JSON-RPC call through `/mcp/<server>`. Digests, never content: the
/// arguments as forwarded (after redaction) and the result as delivered, each the SHA-256 of its canonical JSON.
public struct AuditMCPCall: Sendable, Hashable, Codable {
    /// A tool whose definition did not match its pin when listed or called (`changed`, `unapproved`), or whose
    /// description or schema carried injected instructions (`poisoned`): it was hidden or refused.
    public struct IntegrityEvent: Sendable, Hashable, Codable {
        public var tool: String
        public var event: String
        public var pinnedSHA256: String?
        public var seenSHA256: String?

        enum CodingKeys: String, CodingKey {
            case tool, event
            case pinnedSHA256 = "pinned_sha256"
            case seenSHA256 = "seen_sha256"
        }

        public init(tool: String, event: String, pinnedSHA256: String? = nil, seenSHA256: String? = nil) {
            self.tool = tool
            self.event = event
            self.pinnedSHA256 = pinnedSHA256
            self.seenSHA256 = seenSHA256
        }
    }

    /// The configured server name.
    public var server: String
    /// The JSON-RPC method (`tools/call`, `initialize`, a notification's method...).
    public var method: String
    /// The tool or prompt name, or the resource URI.
    public var name: String?
    /// The protocol revision of the exchange (`2025-11-25`, `2026-07-28`).
    public var protocolVersion: String?
    /// SHA-256 of the gateway's session id (never the id itself), for sessions of the handshake revisions.
    public var session: String?
    public var definitionSHA256: String?
    public var argumentsSHA256: String?
    public var resultSHA256: String?
    public var integrity: [IntegrityEvent]?

    enum CodingKeys: String, CodingKey {
        case server, method, name, session, integrity
        case protocolVersion = "protocol_version"
        case definitionSHA256 = "definition_sha256"
        case argumentsSHA256 = "arguments_sha256"
        case resultSHA256 = "result_sha256"
    }

    public init(server: String, method: String) {
        self.server = server
        self.method = method
    }
}
