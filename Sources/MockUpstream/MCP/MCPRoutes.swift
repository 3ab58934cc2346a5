import Hummingbird

/// The routes of the mock MCP server: the endpoint `/mcp` (`POST` messages, `DELETE` ends a session,
/// `GET` 405) and its test controls `POST /mock/mcp/change-definition` (list `lookup_order` with its
/// changed definition) and `DELETE /mock/mcp/change-definition` (restore it), both answered 204.
enum MCPRoutes {
    static func add(to router: Router<BasicRequestContext>, _ llm: MockLLM) {
        let server = MockMCPServer(
            settings: llm.configuration.mcp, log: llm.log, maxBodyBytes: llm.configuration.maxBodyBytes)
        router.post("/mcp") { request, _ in await server.post(request) }
        router.get("/mcp") { request, _ in await server.get(request) }
        router.delete("/mcp") { request, _ in await server.delete(request) }
        router.post("/mock/mcp/change-definition") { _, _ in
            server.changedDefinition = true
            return Response(status: .noContent)
        }
        router.delete("/mock/mcp/change-definition") { _, _ in
            server.changedDefinition = false
            return Response(status: .noContent)
        }
    }
}
