import AsyncHTTPClient
import Core
import MCP

/// One configured MCP server at run time: where it is, how the gateway authenticates to it (credentials it
/// holds: the caller's token never goes there), the resource URI callers' tokens must be issued for, and its pins.
struct MCPServer: Sendable {
    let name: String
    let configuration: MCPServerConfiguration
    /// `<public_url>/mcp/<name>`: the audience (RFC 8707 resource) of tokens for this server.
    let resourceURI: String
    /// RFC 9728 metadata document of the resource.
    let metadataURL: String
    let pins: ToolPins
    let upstream: MCPUpstream

    init(name: String, configuration: MCPServerConfiguration, publicURL: String, store: any ToolPinStore, client: HTTPClient,
         environment: [String: String]) throws {
        self.name = name
        self.configuration = configuration
        resourceURI = "\(publicURL)/mcp/\(name)"
        metadataURL = "\(publicURL)/.well-known/oauth-protected-resource/mcp/\(name)"
        pins = ToolPins(server: name, mode: configuration.pinning, configured: configuration.pins, store: store)
        var credentials: [(String, String)] = []
        if let reference = configuration.authorization {
            credentials.append(("authorization", "Bearer " + (try reference.resolve(environment: environment))))
        }
        for (header, reference) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            credentials.append((header.lowercased(), try reference.resolve(environment: environment)))
        }
        upstream = MCPUpstream(
            url: configuration.url, client: client, timeout: .seconds(configuration.timeoutSeconds), credentials: credentials)
    }

    /// `WWW-Authenticate` of a 401: where the metadata is and which scopes to ask for.
    var challenge: String {
        var value = "Bearer resource_metadata=\"\(metadataURL)\""
        if !configuration.scopes.isEmpty { value += ", scope=\"\(configuration.scopes.joined(separator: " "))\"" }
        return value
    }

    /// `WWW-Authenticate` of a 403 for a token without the server's scopes.
    var insufficientScope: String {
        "Bearer error=\"insufficient_scope\", scope=\"\(configuration.scopes.joined(separator: " "))\", resource_metadata=\"\(metadataURL)\""
    }

    /// RFC 9728 protected-resource metadata.
    func metadata(authorizationServers: [String]) -> JSONValue {
        var document: [String: JSONValue] = [
            "resource": .string(resourceURI),
            "authorization_servers": .array(authorizationServers.map(JSONValue.string)),
            "bearer_methods_supported": .array([.string("header")]),
            "scopes_supported": .array(configuration.scopes.map(JSONValue.string)),
        ]
        if let name = configuration.resourceName { document["resource_name"] = .string(name) }
        return .object(document)
    }
}
