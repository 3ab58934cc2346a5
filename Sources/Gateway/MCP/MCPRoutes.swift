import Core
import HTTPTypes
import Hummingbird
import NIOCore

/// The HTTP surface of the MCP gateway: `/mcp/<server>` (POST, GET, DELETE) and each server's RFC 9728
/// metadata. A request naming a server that is not configured is an unknown route (404, audited).
struct MCPRoutes: Sendable {
    let gateway: MCPGateway
    let routes: GatewayRoutes
    /// Browser origins allowed to call (`mcp.allowed_origins`); a request with any other `Origin` is refused,
    /// as the MCP transport requires against DNS rebinding.
    let allowedOrigins: Set<String>

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/mcp/{server}") { request, context in
            await handle(request, context) { name, incoming in await gateway.post(server: name, incoming) }
        }
        router.get("/mcp/{server}") { request, context in
            await handle(request, context) { name, incoming in await gateway.stream(server: name, incoming) }
        }
        router.delete("/mcp/{server}") { request, context in
            await handle(request, context) { name, incoming in await gateway.terminate(server: name, incoming) }
        }
        router.get("/.well-known/oauth-protected-resource/mcp/{server}") { request, context in
            let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
            let name = context.parameters.get("server") ?? ""
            guard let answer = gateway.metadata(server: name) else { return await unknown(request, context, id: id) }
            return HTTPAnswer.response(answer, requestID: id)
        }
    }

    private func handle(
        _ request: Request, _ context: GatewayRequestContext, _ run: (String, MCPIncoming) async -> PipelineAnswer
    ) async -> Response {
        let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
        let name = context.parameters.get("server") ?? ""
        guard gateway.servers[name] != nil else { return await unknown(request, context, id: id) }
        let ctx = Core.RequestContext(requestID: id, clientIP: context.clientIP, route: "/mcp/\(name)")
        if let origin = request.headers[.origin], !allowedOrigins.contains(origin) {
            let answer = await routes.pipeline.refuseUnrouted(.forbidden(policies: nil), context: ctx)
            return HTTPAnswer.response(answer, requestID: id)
        }
        let body = RequestBody(declaredLength: request.headers[.contentLength].flatMap(Int.init)) { limit in
            var request = request
            return Array(try await request.collectBody(upTo: limit).readableBytesView)
        }
        let headers = request.headers.map { ($0.name.canonicalName, $0.value) }
        let incoming = MCPIncoming(credentials: await routes.credentials(request, context), headers: headers, body: body, context: ctx)
        let answer = await run(name, incoming)
        routes.logger.info("mcp", metadata: ["request_id": .string(id), "server": .string(name), "status": .stringConvertible(answer.status)])
        return HTTPAnswer.response(answer, requestID: id)
    }

    private func unknown(_ request: Request, _ context: GatewayRequestContext, id: String) async -> Response {
        let ctx = Core.RequestContext(requestID: id, clientIP: context.clientIP, route: String(request.uri.path.prefix(256)))
        let refusal = GatewayError.unknownRoute(method: request.method.rawValue, path: request.uri.path)
        return HTTPAnswer.response(await routes.pipeline.refuseUnrouted(refusal, context: ctx), requestID: id)
    }
}
