import Foundation
import Testing
@testable import Gateway

/// `token_exchange:` on providers and MCP servers: where it is allowed, what it excludes, and that it needs
/// `identity.token_exchange`.
@Suite struct UpstreamTokenExchangeConfigurationTests {
    static let base = """
    providers:
      internal:
        kind: vllm
        base_url: http://vllm:8000/v1
        token_exchange: {audience: llm-api, scope: "llm.invoke"}
    models:
      - {name: m, provider: internal}
    policy:
      files: [policies.cedar]
    identity:
      issuers:
        - {name: idp, issuer: "https://idp.example", audiences: [portcullis]}
      token_exchange:
        token_endpoint: https://idp.example/oauth2/token
        client_id: portcullis
        client_secret: env:XCH_SECRET
    mcp:
      servers:
        tickets:
          url: https://tickets.internal/mcp
          token_exchange: {resource: "https://tickets.internal/mcp"}
    """

    func load(_ yaml: String) throws -> GatewayConfiguration {
        try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: yaml, file: "portcullis.yaml")
    }

    func failure(_ yaml: String) -> ConfigurationError? { configurationRefusal { try load(yaml) } }

    @Test func loads() throws {
        let c = try load(Self.base)
        #expect(c.providers["internal"]?.tokenExchange?.audience == "llm-api")
        #expect(c.providers["internal"]?.tokenExchange?.scope == "llm.invoke")
        #expect(c.providers["internal"]?.apiKey == nil)
        #expect(c.mcp.servers["tickets"]?.tokenExchange?.resource == "https://tickets.internal/mcp")
        #expect(c.identity.tokenExchange?.tokenEndpoint == "https://idp.example/oauth2/token")
    }

    @Test func withoutTheIdentityClientNothingMayAskForAnExchange() throws {
        let noClient = Self.base.replacingOccurrences(of: """
              token_exchange:
                token_endpoint: https://idp.example/oauth2/token
                client_id: portcullis
                client_secret: env:XCH_SECRET

            """, with: "")
        let e = try #require(failure(noClient))
        #expect(e.key == "providers.internal.token_exchange")
        #expect(e.message.contains("needs identity.token_exchange"))
        let mcpOnly = noClient.replacingOccurrences(of: "    token_exchange: {audience: llm-api, scope: \"llm.invoke\"}\n", with: "")
        let m = try #require(failure(mcpOnly))
        #expect(m.key == "mcp.servers.tickets.token_exchange")
    }

    @Test func oneCredentialPerUpstream() throws {
        let both = Self.base.replacingOccurrences(of: "    token_exchange: {audience", with: "    api_key: env:K\n    token_exchange: {audience")
        #expect(try #require(failure(both)).message.contains("set api_key or token_exchange, not both"))
        let mcpBoth = Self.base.replacingOccurrences(
            of: "      token_exchange: {resource", with: "      authorization: env:T\n      token_exchange: {resource")
        #expect(try #require(failure(mcpBoth)).message.contains("set authorization or token_exchange, not both"))
    }

    @Test func onlyOpenAICompatibleProvidersTakeIt() throws {
        let anthropic = Self.base.replacingOccurrences(of: "kind: vllm\n    base_url: http://vllm:8000/v1", with: "kind: anthropic")
        let e = try #require(failure(anthropic))
        #expect(e.key == "providers.internal.token_exchange")
        #expect(e.message.contains("only openai, azure, vllm and ollama"))
        let badTarget = Self.base.replacingOccurrences(of: "{audience: llm-api, scope: \"llm.invoke\"}", with: "{scope: x}")
        #expect(try #require(failure(badTarget)).message.contains("needs audience, resource or both"))
    }
}
