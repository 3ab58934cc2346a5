/// The JSON-RPC methods the mock MCP server answers. A method not named here is unknown (`-32601`);
/// a method named here but absent from the request's revision is unknown in that revision too.
enum MCPMethod: String, CaseIterable, Sendable {
    case initialize
    case ping
    case discover = "server/discover"
    case toolsList = "tools/list"
    case toolsCall = "tools/call"
    case resourcesList = "resources/list"
    case resourcesRead = "resources/read"
    case promptsList = "prompts/list"
    case promptsGet = "prompts/get"

    /// Whether the method exists in `era`: 2026-07-28 removed the lifecycle (`initialize`, `ping`) and
    /// added `server/discover`.
    func exists(in era: MCPRevision.Era) -> Bool {
        switch self {
        case .initialize, .ping: era == .handshake
        case .discover: era == .stateless
        case .toolsList, .toolsCall, .resourcesList, .resourcesRead, .promptsList, .promptsGet: true
        }
    }

    /// The `params` member a stateless request mirrors in its `Mcp-Name` header, if any.
    static func nameParameter(of method: String) -> String? {
        guard let known = MCPMethod(rawValue: method) else { return nil }
        switch known {
        case .toolsCall, .promptsGet: return "name"
        case .resourcesRead: return "uri"
        case .initialize, .ping, .discover, .toolsList, .resourcesList, .promptsList: return nil
        }
    }

    /// Whether a stateless result carries the caching hints `ttlMs` and `cacheScope`.
    var isCacheable: Bool {
        switch self {
        case .discover, .toolsList, .resourcesList, .resourcesRead, .promptsList: true
        case .initialize, .ping, .toolsCall, .promptsGet: false
        }
    }
}
