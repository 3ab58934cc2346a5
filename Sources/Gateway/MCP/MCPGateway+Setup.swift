import AsyncHTTPClient
import Foundation
import Guardrails
import Limits
import Logging
import MCP

extension GatewayRuntime {
    /// The MCP gateway of `mcp:`, or nil when no server is configured.
    static func makeMCPGateway(
        configuration: GatewayConfiguration, pipeline: Pipeline, engine: GuardrailEngine, client: HTTPClient, resolve: (String) -> String,
        environment: [String: String], tokens: UpstreamTokens, limits: ToolCallLimits, logger: Logger,
        sharedPins: (any ToolPinStore)? = nil, sharedSessions: PostgresMCPSessionStore? = nil
    ) throws -> MCPGateway? {
        let mcp = configuration.mcp
        guard !mcp.servers.isEmpty else { return nil }
        let publicURL = mcp.publicURL ?? Self.defaultPublicURL(configuration.server)
        let store: any ToolPinStore
        if let sharedPins {
            store = sharedPins
        } else {
            let path = resolve(mcp.pinsPath)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            store = try SQLiteToolPinStore(path: path)
        }
        var servers: [String: MCPServer] = [:]
        for (name, server) in mcp.servers {
            servers[name] = try MCPServer(name: name, configuration: server, publicURL: publicURL, store: store, client: client, environment: environment)
        }
        return MCPGateway(
            servers: servers, authorizationServers: configuration.identity.issuers.map(\.issuer), configuration: mcp, pipeline: pipeline,
            engine: engine, tokens: tokens, limits: limits, logger: logger, sharedSessions: sharedSessions)
    }

    /// `http(s)://<host>:<port>` of the listener (a wildcard host reads as loopback).
    static func defaultPublicURL(_ server: ServerConfiguration) -> String {
        let host = server.host == "0.0.0.0" || server.host == "::" ? "127.0.0.1" : server.host
        return "\(server.tls == nil ? "http" : "https")://\(host):\(server.port)"
    }
}
