import Foundation
import Testing
@testable import Gateway

@Suite struct ConfigurationTests {
    static let valid = """
    server:
      port: 8080
    providers:
      openai:
        kind: openai
        base_url: https://api.openai.com/v1
        api_key: env:OPENAI_API_KEY
      azure:
        kind: azure
        base_url: https://example.openai.azure.com
        api_key: env:AZURE_KEY
        api_version: "2024-10-21"
    models:
      - name: gpt-4o
        provider: openai
        hosting: external
      - name: internal-llama
        provider: azure
        upstream_model: llama-deploy
        hosting: internal
    policy:
      files: [policies.cedar]
    identity:
      issuers:
        - {name: idp, issuer: "https://idp.example", audiences: [portcullis]}
    """

    func load(_ yaml: String) throws -> GatewayConfiguration {
        try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: yaml, file: "portcullis.yaml")
    }

    func failure(_ yaml: String) -> ConfigurationError? { configurationRefusal(expectRefusal: false) { try load(yaml) } }

    @Test func validFileLoads() throws {
        let c = try load(Self.valid)
        #expect(c.models.map(\.name) == ["gpt-4o", "internal-llama"])
        #expect(c.models[1].upstreamModel == "llama-deploy")
        #expect(c.models[0].upstreamModel == "gpt-4o")
        #expect(c.providers["azure"]?.apiVersion == "2024-10-21")
        #expect(c.server.maxBodyBytes == 4 << 20)
        #expect(c.audit.failMode == .closed)
    }

    @Test func unknownKeyNamesLineAndKey() throws {
        let yaml = Self.valid.replacingOccurrences(of: "  port: 8080", with: "  port: 8080\n  prot: 9")
        let e = try #require(failure(yaml))
        #expect(e.line == 3)
        #expect(e.key == "server.prot")
        #expect(e.message.contains("unknown key 'prot'"))
        #expect(e.description.hasPrefix("portcullis.yaml:3:"))
    }

    @Test func wrongTypeSaysWhatWasExpected() throws {
        let e = try #require(failure(Self.valid.replacingOccurrences(of: "port: 8080", with: "port: eighty")))
        #expect(e.key == "server.port")
        #expect(e.line == 2)
        #expect(e.message.contains("expected an integer"))
    }

    @Test func literalSecretIsRefused() throws {
        let e = try #require(failure(Self.valid.replacingOccurrences(of: "env:OPENAI_API_KEY", with: "sk-live-123")))
        #expect(e.key == "providers.openai.api_key")
        #expect(e.message.contains("reference"))
        #expect(!e.description.contains("sk-live-123"))
    }

    @Test func modelWithUnknownProviderIsRefused() throws {
        let e = try #require(failure(Self.valid.replacingOccurrences(of: "provider: azure", with: "provider: vertex")))
        #expect(e.key == "models[1].provider")
        #expect(e.line == 18)
        #expect(e.message.contains("unknown provider 'vertex'"))
    }

    @Test func missingRequiredSection() throws {
        let e = try #require(failure(Self.valid.replacingOccurrences(of: "policy:\n  files: [policies.cedar]", with: "")))
        #expect(e.message.contains("missing required key 'policy'"))
    }

    @Test func azureNeedsAPIVersion() throws {
        let e = try #require(failure(Self.valid.replacingOccurrences(of: "    api_version: \"2024-10-21\"\n", with: "")))
        #expect(e.key.hasPrefix("providers.azure"))
        #expect(e.message.contains("api_version"))
    }

    @Test func invalidYAMLGivesPosition() throws {
        let e = try #require(failure("server:\n  port: [1, 2\n"))
        #expect(e.line != nil)
        #expect(e.message.hasPrefix("invalid YAML"))
    }

    @Test func duplicateModelNames() throws {
        let yaml = Self.valid.replacingOccurrences(of: "name: internal-llama", with: "name: gpt-4o")
        let e = try #require(failure(yaml))
        #expect(e.message.contains("duplicate model name"))
    }
}
