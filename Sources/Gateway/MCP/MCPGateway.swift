import Core
import Crypto
import Guardrails
import Limits
import Logging
import MCP

/// An MCP request as the HTTP layer hands it over: headers read, body not yet read.
public struct MCPIncoming: Sendable {
    public var credentials: Credentials
    /// Every header line, names lower-cased, duplicates kept.
    public var headers: [(String, String)]
    public var body: RequestBody
    public var context: RequestContext

    public init(credentials: Credentials, headers: [(String, String)], body: RequestBody, context: RequestContext) {
        self.credentials = credentials
        self.headers = headers
        self.body = body
        self.context = context
    }

    func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
}

/// The MCP gateway: `/mcp/<server>` for every configured server. Every JSON-RPC call of every agent goes
/// through the controls of the pipeline — identity bound to the server's resource URI, per-method and
/// per-tool policy, tool pins, guardrails both ways, per-tool limits — and leaves one audit trail.
public struct MCPGateway: Sendable {
    let servers: [String: MCPServer]
    /// Issuers of the tokens accepted (RFC 9728 `authorization_servers`).
    let authorizationServers: [String]
    let sessions: MCPSessions
    let pipeline: Pipeline
    let inspection: MCPInspection
    let limits: ToolCallLimits
    /// The `requestState` values of `input_required` results, by the principal they were relayed to.
    let requestStates = ContinuationLedger()
    let maxMessageBytes: Int
    /// Tokens for servers with `token_exchange`.
    let tokens: UpstreamTokens
    let logger: Logger

    init(servers: [String: MCPServer], authorizationServers: [String], configuration: MCPConfiguration, pipeline: Pipeline,
         engine: GuardrailEngine, tokens: UpstreamTokens = UpstreamTokens(exchanger: nil), limits: ToolCallLimits, logger: Logger,
         sharedSessions: PostgresMCPSessionStore? = nil) {
        self.servers = servers
        self.authorizationServers = authorizationServers
        self.sessions = MCPSessions(idleLimit: .seconds(configuration.sessionIdleSeconds), shared: sharedSessions)
        self.pipeline = pipeline
        self.inspection = MCPInspection(engine: engine)
        self.limits = limits
        self.maxMessageBytes = configuration.maxMessageBytes
        self.tokens = tokens
        self.logger = logger
    }

    public var serverNames: [String] { servers.keys.sorted() }

    /// `GET /.well-known/oauth-protected-resource/mcp/<server>` (RFC 9728), unauthenticated.
    public func metadata(server name: String) -> PipelineAnswer? {
        guard let server = servers[name] else { return nil }
        let body = server.metadata(authorizationServers: authorizationServers).serialized()
        return PipelineAnswer(status: 200, headers: [("content-type", "application/json"), ("cache-control", "max-age=300")], body: .bytes(body))
    }

    /// `POST /mcp/<server>`: one JSON-RPC message.
    public func post(server name: String, _ incoming: MCPIncoming) async -> PipelineAnswer {
        var exchange = MCPExchange(gateway: self, incoming: incoming, serverName: name)
        return await exchange.post()
    }

    /// `GET /mcp/<server>`: the session's stream of server-initiated messages.
    public func stream(server name: String, _ incoming: MCPIncoming) async -> PipelineAnswer {
        var exchange = MCPExchange(gateway: self, incoming: incoming, serverName: name)
        return await exchange.openStream()
    }

    /// `DELETE /mcp/<server>`: ends the session.
    public func terminate(server name: String, _ incoming: MCPIncoming) async -> PipelineAnswer {
        var exchange = MCPExchange(gateway: self, incoming: incoming, serverName: name)
        return await exchange.terminate()
    }

    static func sha256(_ value: JSONValue) -> String { Hex.encode(SHA256.hash(data: value.serialized())) }
}
