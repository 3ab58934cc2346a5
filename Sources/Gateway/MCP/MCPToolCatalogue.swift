import Core
import MCP

/// The tool definitions a server has right now, asked by the gateway itself at the moment of a call — in the
/// caller's session (or with the caller's stateless envelope), with the gateway's credentials — so a
/// definition changed after it was listed (a rug pull) is caught before the call goes through.
struct MCPToolCatalogue {
    let exchange: MCPExchange
    /// Pages read at most while looking for a tool.
    static let maximumPages = 20

    func currentDefinition(of name: String) async throws(JSONRPCFailure) -> ToolDefinition? {
        guard let server = exchange.server else { return nil }
        var cursor: JSONValue?
        for page in 0..<Self.maximumPages {
            let id = JSONValue.string("portcullis-catalogue-\(exchange.trail.trailID)-\(page)")
            var params: [String: JSONValue] = [:]
            if let cursor { params["cursor"] = cursor }
            if exchange.revision?.isStateless == true, let meta = exchange.message?.params?["_meta"]?.objectValue {
                // The stateless envelope of the caller's own request (revision, capabilities, client info).
                params["_meta"] = .object(meta.filter { $0.key.hasPrefix("io.modelcontextprotocol/") })
            }
            let request = JSONValue.object([
                "jsonrpc": .string("2.0"), "id": id, "method": .string(ClientMethod.toolsList.rawValue), "params": .object(params),
            ])
            let reply: MCPUpstream.Reply
            do {
                reply = try await server.upstream.post(
                    request.serialized(), headers: exchange.upstreamHeaders(method: ClientMethod.toolsList.rawValue, params: .object(params)),
                    limit: exchange.gateway.maxMessageBytes)
            } catch {
                throw JSONRPCFailure(.upstream, "The MCP server cannot be asked for its tools.", reason: "upstream_unreachable")
            }
            let answer = try await MCPReplyReader.response(of: reply, id: id, limit: exchange.gateway.maxMessageBytes).answer
            guard let result = answer.result, let tools = result["tools"]?.arrayValue else {
                throw MCPReplyReader.invalid("tools/list answered without a list of tools")
            }
            for entry in tools where entry["name"]?.stringValue == name { return ToolDefinition(entry) }
            guard let next = result["nextCursor"], next.stringValue != nil else { return nil }
            cursor = next
        }
        return nil
    }
}
