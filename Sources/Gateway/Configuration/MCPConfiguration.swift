import Core
import MCP

/// `mcp:` — the MCP servers reachable through the gateway, each at `/mcp/<name>`.
///
/// ```yaml
/// mcp:
///   public_url: https://gateway.example.com   # the resource URIs tokens are bound to: <public_url>/mcp/<name>
///   pins_path: mcp-pins.sqlite                 # approved tool definitions (portcullis mcp approve)
///   servers:
///     tickets:
///       url: https://tickets.internal/mcp
///       authorization: env:TICKETS_MCP_TOKEN   # the gateway's own credential: "Authorization: Bearer <value>"
///       # or, for a server that needs the user's own token: the caller's token exchanged (identity.token_exchange)
///       # token_exchange: { audience: tickets, resource: https://tickets.internal/mcp }
///       scopes: [mcp.tickets]
///       pinning: approval                      # or first_use
///       pins: {create_ticket: 3f2a…}           # tool → SHA-256 of its definition
/// ```
public struct MCPConfiguration: Sendable, Decodable {
    /// Base of the MCP resource URIs (RFC 8707 audience of the tokens); default `http(s)://<host>:<port>`.
    public var publicURL: String?
    /// SQLite file of approved pins and pending definitions (relative to the configuration's folder).
    public var pinsPath: String
    /// Largest JSON-RPC message read from a client or a server.
    public var maxMessageBytes: Int
    /// Longest a gateway session (handshake revisions) lives without a request.
    public var sessionIdleSeconds: Int
    /// Browser origins (`https://app.example.com`) allowed to call `/mcp/*`; a request with another `Origin`
    /// header is refused (DNS rebinding). Non-browser clients send no `Origin`.
    public var allowedOrigins: [String]
    public var servers: [String: MCPServerConfiguration]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case servers
        case publicURL = "public_url"
        case pinsPath = "pins_path"
        case maxMessageBytes = "max_message_bytes"
        case sessionIdleSeconds = "session_idle_seconds"
        case allowedOrigins = "allowed_origins"
    }

    public init() {
        publicURL = nil
        pinsPath = "mcp-pins.sqlite"
        maxMessageBytes = 4 << 20
        sessionIdleSeconds = 3600
        allowedOrigins = []
        servers = [:]
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        publicURL = try c.decodeIfPresent(String.self, forKey: .publicURL).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        pinsPath = try c.decodeIfPresent(String.self, forKey: .pinsPath) ?? "mcp-pins.sqlite"
        maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes) ?? 4 << 20
        sessionIdleSeconds = try c.decodeIfPresent(Int.self, forKey: .sessionIdleSeconds) ?? 3600
        servers = try c.decodeIfPresent([String: MCPServerConfiguration].self, forKey: .servers) ?? [:]
        allowedOrigins = try c.decodeIfPresent([String].self, forKey: .allowedOrigins) ?? []
        if let url = publicURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw DecodingError.dataCorruptedError(forKey: .publicURL, in: c, debugDescription: "expected an http(s) URL")
        }
        guard maxMessageBytes >= 1024 else {
            throw DecodingError.dataCorruptedError(forKey: .maxMessageBytes, in: c, debugDescription: "expected at least 1024")
        }
        guard sessionIdleSeconds > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .sessionIdleSeconds, in: c, debugDescription: "expected a positive number of seconds")
        }
        for name in servers.keys where !Self.isValidName(name) {
            throw DecodingError.dataCorruptedError(
                forKey: .servers, in: c, debugDescription: "server name '\(name)': expected letters, digits, '-' and '_' only")
        }
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) }
    }
}

/// One upstream MCP server.
public struct MCPServerConfiguration: Sendable, Decodable {
    /// What a tool definition flagged by the poisoning scan (injected instructions, exfiltration hints) gets.
    public enum DefinitionFindings: String, Sendable, Decodable {
        case hide, flag
    }

    /// What binary content (base64 images, audio, resource blobs) in results gets: passed on uninspected, or refused.
    public enum BinaryContent: String, Sendable, Decodable {
        case allow, refuse
    }

    /// The server's Streamable HTTP endpoint.
    public var url: String
    /// The gateway's credential for the server, sent as `Authorization: Bearer <value>` (a reference).
    public var authorization: SecretReference?
    /// Instead of `authorization`: a token for the calling user, exchanged at the identity provider for this server
    /// (RFC 8693, `identity.token_exchange`) and sent as `Authorization: Bearer` with every message of the call.
    public var tokenExchange: TokenExchangeTarget?
    /// Other credential headers (name → reference), e.g. `x-api-key`.
    public var headers: [String: SecretReference]
    /// Scopes a caller's token must carry (advertised in the protected-resource metadata and 401s).
    public var scopes: [String]
    public var pinning: PinningMode
    /// Tool name → SHA-256 (hex) of its approved definition; authoritative over the pin store.
    public var pins: [String: String]
    public var definitionFindings: DefinitionFindings
    public var binaryContent: BinaryContent
    /// Longest wait for the server's answer (or between two events of a stream).
    public var timeoutSeconds: Int
    /// Human-readable name in the protected-resource metadata.
    public var resourceName: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, authorization, headers, scopes, pinning, pins
        case tokenExchange = "token_exchange"
        case definitionFindings = "definition_findings"
        case binaryContent = "binary_content"
        case timeoutSeconds = "timeout_seconds"
        case resourceName = "resource_name"
    }

    public init(url: String, authorization: SecretReference? = nil, scopes: [String] = [], pinning: PinningMode = .approval, pins: [String: String] = [:]) {
        self.url = url
        self.authorization = authorization
        self.headers = [:]
        self.scopes = scopes
        self.pinning = pinning
        self.pins = pins
        self.definitionFindings = .hide
        self.binaryContent = .allow
        self.timeoutSeconds = 60
        self.resourceName = nil
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        authorization = try c.decodeIfPresent(SecretReference.self, forKey: .authorization)
        tokenExchange = try c.decodeIfPresent(TokenExchangeTarget.self, forKey: .tokenExchange)
        if tokenExchange != nil, authorization != nil {
            throw DecodingError.dataCorruptedError(
                forKey: .tokenExchange, in: c, debugDescription: "set authorization or token_exchange, not both: the server gets one Authorization")
        }
        headers = try c.decodeIfPresent([String: SecretReference].self, forKey: .headers) ?? [:]
        scopes = try c.decodeIfPresent([String].self, forKey: .scopes) ?? []
        pinning = try c.decodeIfPresent(PinningMode.self, forKey: .pinning) ?? .approval
        pins = try c.decodeIfPresent([String: String].self, forKey: .pins) ?? [:]
        definitionFindings = try c.decodeIfPresent(DefinitionFindings.self, forKey: .definitionFindings) ?? .hide
        binaryContent = try c.decodeIfPresent(BinaryContent.self, forKey: .binaryContent) ?? .allow
        timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 60
        resourceName = try c.decodeIfPresent(String.self, forKey: .resourceName)
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw DecodingError.dataCorruptedError(forKey: .url, in: c, debugDescription: "expected an http(s) URL of the server's MCP endpoint")
        }
        guard timeoutSeconds > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .timeoutSeconds, in: c, debugDescription: "expected a positive number of seconds")
        }
        for (tool, hash) in pins where hash.utf8.count != 64 || !hash.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) {
            throw DecodingError.dataCorruptedError(forKey: .pins, in: c, debugDescription: "pin of '\(tool)': expected a SHA-256 in lower-case hex (64 characters)")
        }
        for name in headers.keys {
            let lower = name.lowercased()
            guard !["host", "content-length", "content-type", "accept", "mcp-session-id", "mcp-protocol-version", "mcp-method", "mcp-name", "authorization"].contains(lower),
                !lower.hasPrefix("mcp-param-")
            else {
                throw DecodingError.dataCorruptedError(forKey: .headers, in: c, debugDescription: "header '\(name)' is set by the gateway itself")
            }
        }
    }
}
