import AsyncHTTPClient
import Core
import Testing
@testable import Providers

@Suite struct RoutingTests {
    @Test func openAICompatibleURLAndBearer() {
        let c = ProviderConfiguration(kind: .vllm, baseURL: "http://vllm:8000/v1", apiKey: nil)
        let e = UpstreamEndpoint(configuration: c, operation: .chatCompletions, upstreamModel: "llama", credential: "k1")
        #expect(e.url == "http://vllm:8000/v1/chat/completions")
        #expect(e.headers.contains { $0 == ("authorization", "Bearer k1") })
        #expect(!e.headers.contains { $0.0 == "api-key" })
    }

    @Test func azureDeploymentURLAndAPIKeyHeader() {
        let c = ProviderConfiguration(kind: .azure, baseURL: "https://r.openai.azure.com", apiVersion: "2024-10-21")
        let e = UpstreamEndpoint(configuration: c, operation: .embeddings, upstreamModel: "emb deploy", credential: "k2")
        #expect(e.url == "https://r.openai.azure.com/openai/deployments/emb%20deploy/embeddings?api-version=2024-10-21")
        #expect(e.headers.contains { $0 == ("api-key", "k2") })
        #expect(!e.headers.contains { $0.0 == "authorization" })
    }

    @Test func modelRoutes() throws {
        let client = HTTPClient.shared
        let provider = try ProviderClient(name: "p", configuration: .init(kind: .openai, baseURL: "http://127.0.0.1:1/v1"), httpClient: client)
        let registry = ProviderRegistry(clients: ["p": provider], models: [
            ModelDescriptor(name: "public-name", provider: "p", upstreamModel: "upstream-name"),
        ])
        let (model, routed) = try registry.route("public-name")
        #expect(model.upstreamModel == "upstream-name")
        #expect(routed.name == "p")
        #expect(throws: ProviderRegistry.RoutingError.unknownModel("nope")) { try registry.route("nope") }
    }

    @Test func missingSecretStopsStartUp() throws {
        let client = HTTPClient.shared
        let config = ProviderConfiguration(kind: .openai, baseURL: "http://x/v1", apiKey: try SecretReference("env:PORTCULLIS_TEST_MISSING"))
        #expect(throws: SecretReference.Failure.missingEnvironment("PORTCULLIS_TEST_MISSING")) {
            _ = try ProviderClient(name: "p", configuration: config, httpClient: client, environment: [:])
        }
    }
}
