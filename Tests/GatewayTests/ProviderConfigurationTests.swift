import Foundation
import Providers
import Testing
@testable import Gateway

/// Cloud providers (Bedrock, Gemini, Vertex), model targets, retry, timeouts and circuit breakers in
/// portcullis.yaml: what loads, and what is refused with its key and reason.
@Suite struct ProviderConfigurationTests {
    static let base = """
    providers:
      bedrock:
        kind: bedrock
        aws: {region: ap-southeast-1, access_key_id: env:AWS_ID, secret_access_key: env:AWS_SECRET}
      irsa:
        kind: bedrock
        aws:
          region: us-east-1
          web_identity: {role_arn: "arn:aws:iam::1:role/r", token: "file:/var/run/token"}
      gemini:
        kind: gemini
        api_key: env:GEMINI_KEY
      vertex:
        kind: vertex
        vertex: {project: p-1, location: asia-southeast1, service_account: "file:/etc/sa.json"}
        circuit_breaker: {failures: 3, window_seconds: 10, open_seconds: 20, half_open_probes: 2}
      local:
        kind: vllm
        base_url: http://vllm:8000/v1
    MODELS
    policy:
      files: [policies.cedar]
    identity:
      issuers:
        - {name: idp, issuer: "https://idp.example", audiences: [portcullis]}
    """

    static let oneModel = """
    models:
      - {name: m, provider: bedrock, upstream_model: "anthropic.claude-v1:0"}
    """

    func load(_ models: String = oneModel, providers: (String) -> String = { $0 }) throws -> GatewayConfiguration {
        try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: providers(Self.base.replacingOccurrences(of: "MODELS", with: models)), file: "portcullis.yaml")
    }

    func refusal(_ models: String = oneModel, providers: (String) -> String = { $0 }) -> ConfigurationError? {
        configurationRefusal { try load(models, providers: providers) }
    }

    @Test func cloudProvidersLoadWithTheirDefaults() throws {
        let c = try load()
        #expect(c.providers["bedrock"]?.baseURL == "https://bedrock-runtime.ap-southeast-1.amazonaws.com")
        #expect(c.providers["bedrock"]?.wireFormat == .bedrockConverse)
        #expect(c.providers["irsa"]?.aws?.webIdentity?.durationSeconds == 3600)
        #expect(c.providers["irsa"]?.aws?.webIdentity?.refreshBeforeSeconds == 300)
        #expect(c.providers["gemini"]?.baseURL == "https://generativelanguage.googleapis.com/v1beta")
        #expect(c.providers["vertex"]?.baseURL == "https://asia-southeast1-aiplatform.googleapis.com/v1")
        #expect(c.providers["vertex"]?.wireFormat == .geminiGenerateContent)
        #expect(c.providers["vertex"]?.circuitBreaker == CircuitSettings(failures: 3, window: .seconds(10), openFor: .seconds(20), halfOpenProbes: 2))
        #expect(c.providers["local"]?.circuitBreaker == CircuitSettings())
        #expect(c.routes[0].targets.count == 1 && c.routes[0].retry == nil)
    }

    @Test func endpointsForEachCloudKind() throws {
        let c = try load()
        let bedrock = UpstreamEndpoint(configuration: c.providers["bedrock"]!, operation: .chatCompletions, upstreamModel: "anthropic.claude-v1:0", credential: nil, stream: true)
        #expect(bedrock.url == "https://bedrock-runtime.ap-southeast-1.amazonaws.com/model/anthropic.claude-v1%3A0/converse-stream")
        #expect(bedrock.headers.contains { $0 == ("accept", "application/vnd.amazon.eventstream") })
        let gemini = UpstreamEndpoint(configuration: c.providers["gemini"]!, operation: .chatCompletions, upstreamModel: "gemini-2.5-flash", credential: "k", stream: true)
        #expect(gemini.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
        #expect(gemini.headers.contains { $0 == ("x-goog-api-key", "k") })
        let vertex = UpstreamEndpoint(configuration: c.providers["vertex"]!, operation: .chatCompletions, upstreamModel: "gemini-2.5-pro", credential: nil)
        #expect(vertex.url == "https://asia-southeast1-aiplatform.googleapis.com/v1/projects/p-1/locations/asia-southeast1/publishers/google/models/gemini-2.5-pro:generateContent")
        #expect(!vertex.headers.contains { $0.0 == "authorization" }, "the token is added per attempt by the authorizer")
    }

    @Test func targetsInheritTheModelsAttributesButStateTheirHosting() throws {
        let c = try load("""
        models:
          - name: assistant
            region: sg
            allowed_data_classes: [public, internal]
            input_price_per_million: 3
            output_price_per_million: 15
            retry: {attempts: 3, backoff_ms: 50}
            timeouts: {first_byte_seconds: 2.5, total_seconds: 30}
            targets:
              - {provider: bedrock, upstream_model: "a:0", hosting: external, weight: 3, priority: 0}
              - {provider: irsa, upstream_model: "a:0", hosting: external, weight: 1, priority: 0, region: us}
              - {provider: local, hosting: internal, input_price_per_million: 0.5}
        """)
        let route = try #require(c.routes.first)
        #expect(route.targets.map(\.descriptor.provider) == ["bedrock", "irsa", "local"])
        #expect(route.targets.map(\.priority) == [0, 0, 2])
        #expect(route.targets.map(\.weight) == [3, 1, 1])
        #expect(route.targets.map(\.descriptor.region) == ["sg", "us", "sg"])
        #expect(route.targets[2].descriptor.upstreamModel == "assistant")
        #expect(route.targets[2].descriptor.hosting == "internal")
        #expect(route.targets[0].descriptor.allowedDataClasses == ["public", "internal"])
        #expect(route.targets[1].descriptor.inputPricePerMillion == 3 && route.targets[1].descriptor.outputPricePerMillion == 15)
        #expect(route.targets[2].descriptor.inputPricePerMillion == 0.5 && route.targets[2].descriptor.outputPricePerMillion == 0,
                "a target stating a price states its own prices")
        #expect(route.retry == RetryPolicy(attempts: 3, baseBackoff: .milliseconds(50)))
        #expect(route.timeouts == UpstreamTimeouts(firstByte: .milliseconds(2500), total: .seconds(30)))
        #expect(c.models[0].provider == "bedrock", "the models list, limits and prices see the first target")
    }

    @Test(arguments: [
        ("models:\n  - name: m\n    targets:\n      - {provider: bedrock}", "models[0].targets[0]", "hosting"),
        ("models:\n  - name: m\n    provider: bedrock\n    targets:\n      - {provider: bedrock, hosting: external}", "models[0].provider", "not beside them"),
        ("models:\n  - name: m\n    targets:\n      - {provider: nowhere, hosting: internal}", "models[0].targets[0].provider", "unknown provider 'nowhere'"),
        ("models:\n  - name: m\n    targets: []", "models[0].targets", "1 to 16"),
        ("models:\n  - name: m\n    targets:\n      - {provider: bedrock, hosting: cloud}", "models[0].targets[0].hosting", "internal or external"),
        ("models:\n  - name: m\n    targets:\n      - {provider: bedrock, hosting: external, weight: 0}", "models[0].targets[0].weight", "weight > 0"),
        ("models:\n  - name: m\n    provider: bedrock\n    retry: {attempts: 0}", "models[0].retry.attempts", "1 to 10"),
        ("models:\n  - name: m\n    provider: bedrock\n    timeouts: {first_byte_seconds: -1}", "models[0].timeouts.first_byte_seconds", "seconds > 0"),
        ("models:\n  - name: m\n    provider: bedrock\n    timeouts: {frist_byte_seconds: 1}", "models[0].timeouts.frist_byte_seconds", "unknown key"),
        ("models:\n  - name: m\n    free: true\n    targets:\n      - {provider: bedrock, hosting: external, input_price_per_million: 1}", "models[0].targets[0]", "free model has no price"),
    ])
    func badModelEntriesAreRefused(models: String, key: String, reason: String) throws {
        let e = try #require(refusal(models))
        #expect(e.key == key, "\(e)")
        #expect(e.message.contains(reason), "\(e)")
    }

    @Test(arguments: [
        ("  bedrock:\n    kind: bedrock\n    aws: {region: ap-southeast-1, access_key_id: env:AWS_ID, secret_access_key: env:AWS_SECRET}",
         "  bedrock:\n    kind: bedrock", "providers.bedrock", "need aws"),
        ("aws: {region: ap-southeast-1, access_key_id: env:AWS_ID, secret_access_key: env:AWS_SECRET}",
         "aws: {region: ap-southeast-1, access_key_id: env:AWS_ID}", "providers.bedrock.aws", "both access_key_id and secret_access_key"),
        ("aws: {region: ap-southeast-1, access_key_id: env:AWS_ID, secret_access_key: env:AWS_SECRET}",
         "aws: {region: ap-southeast-1, access_key_id: AKIAREALKEY, secret_access_key: env:AWS_SECRET}", "providers.bedrock.aws.access_key_id", "reference"),
        ("aws: {region: ap-southeast-1, access_key_id: env:AWS_ID, secret_access_key: env:AWS_SECRET}",
         "aws: {region: ap-southeast-1, access_key_id: env:AWS_ID, secret_access_key: env:AWS_SECRET, web_identity: {role_arn: \"arn:aws:iam::1:role/r\", token: \"env:T\"}}",
         "providers.bedrock.aws.web_identity", "not both"),
        ("aws: {region: ap-southeast-1,", "aws: {region: AP_SOUTHEAST_1,", "providers.bedrock.aws.region", "AWS region"),
        ("kind: bedrock\n    aws: {region: ap-southeast-1,", "kind: bedrock\n    api_key: env:K\n    aws: {region: ap-southeast-1,",
         "providers.bedrock.api_key", "not api_key"),
        ("role_arn: \"arn:aws:iam::1:role/r\"", "role_arn: \"portcullis-role\"", "providers.irsa.aws.web_identity.role_arn", "role ARN"),
        ("token: \"file:/var/run/token\"}", "token: \"file:/var/run/token\", duration_seconds: 60}", "providers.irsa.aws.web_identity.duration_seconds", "900 to 43200"),
        ("vertex: {project: p-1, location: asia-southeast1, service_account: \"file:/etc/sa.json\"}",
         "vertex: {project: p-1, location: asia-southeast1, service_account: \"{\\\"type\\\": \\\"service_account\\\"}\"}",
         "providers.vertex.vertex.service_account", "reference"),
        ("kind: gemini\n", "kind: gemini\n    vertex: {project: p, location: l, service_account: \"env:S\"}\n", "providers.gemini.vertex", "only vertex"),
        ("half_open_probes: 2}", "half_open_probes: 0}", "providers.vertex.circuit_breaker.half_open_probes", "1 to 100"),
        ("open_seconds: 20,", "open_seconds: 0,", "providers.vertex.circuit_breaker.open_seconds", "seconds > 0"),
    ])
    func badProvidersAreRefused(from: String, to: String, key: String, reason: String) throws {
        let e = try #require(refusal(providers: { text in
            #expect(text.contains(from), "fixture: \(from)")
            return text.replacingOccurrences(of: from, with: to)
        }))
        #expect(e.key == key, "\(e)")
        #expect(e.message.contains(reason), "\(e)")
        #expect(!e.description.contains("AKIAREALKEY"), "a literal secret is never echoed")
    }
}
