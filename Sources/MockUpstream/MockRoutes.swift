import HTTPTypes
import Hummingbird

/// The route table of the mock upstream.
enum MockRoutes {
    static func router(_ llm: MockLLM) -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(UnknownRouteMiddleware())
        router.post("/v1/chat/completions") { request, _ in try await llm.chatCompletions(request) }
        router.post("/v1/responses") { request, _ in try await llm.responses(request) }
        router.post("/v1/embeddings") { request, _ in try await llm.embeddings(request) }
        router.post("/v1/messages") { request, _ in try await llm.anthropicMessages(request) }
        router.post("/v1/messages/count_tokens") { request, _ in try await llm.anthropicCountTokens(request) }
        router.get("/v1/models") { request, _ in try await llm.listModels(request) }
        router.get("/v1/models/{id}") { request, context in
            try await llm.retrieveModel(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/openai/deployments/{deployment}/chat/completions") { request, context in
            try await llm.chatCompletions(request, deployment: context.parameters.get("deployment") ?? "")
        }
        router.post("/openai/deployments/{deployment}/embeddings") { request, context in
            try await llm.embeddings(request, deployment: context.parameters.get("deployment") ?? "")
        }
        BedrockRoutes.add(to: router, llm)
        GoogleRoutes.add(to: router, llm)
        MCPRoutes.add(to: router, llm)
        router.get("/healthz") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok"))) }
        router.get("/mock/requests") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: llm.log.renderJSON()))
        }
        router.delete("/mock/requests") { _, _ in
            llm.log.clear()
            return Response(status: .noContent)
        }
        router.delete("/mock/cache") { _, _ in
            llm.promptCache.clear()
            return Response(status: .noContent)
        }
        return router
    }
}

/// Answers unknown routes with an OpenAI-style 404 body instead of an empty one.
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return ErrorBody.response(
                status: 404, message: "unknown route \(request.method.rawValue) \(request.uri.path)", style: .openAI,
                requestID: request.headers[.requestID] ?? "req_mock_unrouted")
        }
    }
}
