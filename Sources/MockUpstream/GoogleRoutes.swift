import Hummingbird

/// The Google routes of the mock: Gemini API, Vertex AI, the OAuth token endpoint and its test controls
/// (`GET /mock/google/token-calls` → `{"issued","refused","active"}`, `DELETE /mock/google/tokens` revokes
/// every issued token).
enum GoogleRoutes {
    static func add(to router: Router<BasicRequestContext>, _ llm: MockLLM) {
        // The parameter is named `id` because `GET /v1/models/{id}` shares the path (Hummingbird needs one name).
        for version in ["v1beta", "v1"] {
            router.post("/\(version)/models/{id}") { request, context in
                try await llm.googleGenerateContent(request, call: context.parameters.get("id") ?? "", authority: .geminiAPIKey)
            }
        }
        router.post("/v1/projects/{project}/locations/{location}/publishers/google/models/{call}") { request, context in
            try await llm.googleGenerateContent(request, call: context.parameters.get("call") ?? "", authority: .vertexBearer)
        }
        router.post("/token") { request, _ in try await llm.googleToken(request) }
        router.get("/mock/google/token-calls") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: llm.googleTokens.renderCounts()))
        }
        router.delete("/mock/google/tokens") { _, _ in
            llm.googleTokens.revokeAll()
            return Response(status: .noContent)
        }
    }
}
