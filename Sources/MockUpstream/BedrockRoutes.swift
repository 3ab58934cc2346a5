import Hummingbird

/// The Bedrock Runtime and STS routes (and their test controls), registered from `MockRoutes`.
enum BedrockRoutes {
    static func add(to router: Router<BasicRequestContext>, _ llm: MockLLM) {
        router.post("/model/{modelId}/converse") { request, context in
            try await llm.bedrockConverse(request, modelID: context.parameters.get("modelId") ?? "", stream: false)
        }
        router.post("/model/{modelId}/converse-stream") { request, context in
            try await llm.bedrockConverse(request, modelID: context.parameters.get("modelId") ?? "", stream: true)
        }
        router.post("/sts") { request, _ in try await llm.assumeRoleWithWebIdentity(request) }
        router.get("/mock/sts/calls") { _, _ in
            var out = ByteBuffer()
            out.writeStaticString("{\"calls\":")
            out.writeJSONInt(llm.bedrockAccess.stsCallCount)
            out.writeStaticString("}")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out))
        }
        router.post("/mock/sigv4/sign") { request, _ in try await llm.signForTest(request) }
        router.post("/mock/eventstream/decode") { request, _ in try await llm.decodeEventStreamForTest(request) }
    }
}
