import Core
import Testing
@testable import Gateway

@Suite struct TracingConfigurationTests {
    func load(_ tracing: String) throws -> GatewayConfiguration {
        try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: ConfigurationTests.valid + "\nobservability:\n  tracing:\n" + tracing, file: "portcullis.yaml")
    }

    func refusal(_ tracing: String) -> ConfigurationError? { configurationRefusal { try load(tracing) } }

    @Test func offByDefault() throws {
        let c = try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: ConfigurationTests.valid, file: "portcullis.yaml")
        #expect(c.observability.tracing == TracingConfiguration())
        #expect(!c.observability.tracing.enabled)
        #expect(c.observability.tracing.sampleRatio == 1.0)
        #expect(c.observability.tracing.serviceName == "portcullis")
    }

    @Test func fullSectionLoads() throws {
        let c = try load("""
            enabled: true
            endpoint: https://otel.example/v1/traces
            headers: {authorization: "env:OTEL_AUTH"}
            sample_ratio: 0.25
            service_name: gateway-eu
            ca_file: ca.pem
        """)
        let t = c.observability.tracing
        #expect(t.enabled)
        #expect(t.endpoint == "https://otel.example/v1/traces")
        #expect(t.headers["authorization"]?.reference == "env:OTEL_AUTH")
        #expect(t.sampleRatio == 0.25)
        #expect(t.serviceName == "gateway-eu")
        #expect(t.caFile == "ca.pem")
    }

    @Test func plainHTTPOnlyToLoopback() throws {
        #expect(try load("    enabled: true\n    endpoint: http://127.0.0.1:4318/v1/traces\n").observability.tracing.enabled)
        #expect(try load("    enabled: true\n    endpoint: http://localhost:4318/v1/traces\n").observability.tracing.enabled)
        let e = try #require(refusal("    enabled: true\n    endpoint: http://collector.internal:4318/v1/traces\n"))
        #expect(e.key == "observability.tracing.endpoint")
        #expect(e.message.contains("https"))
    }

    @Test func refusesWhatCannotBeRight() throws {
        let cases: [(String, String, String)] = [
            ("    enabled: true\n", "observability.tracing.endpoint", "traces URL"),
            ("    enabled: true\n    endpoint: https://user:pw@otel.example/v1/traces\n", "observability.tracing.endpoint", "user name or password"),
            ("    endpoint: https://otel.example/v1/traces\n    headers: {authorization: Bearer abc}\n", "observability.tracing.headers.authorization", "reference"),
            ("    endpoint: https://otel.example/v1/traces\n    headers: {\"bad name\": env:X}\n", "observability.tracing.headers", "header name"),
            ("    sample_ratio: 1.5\n", "observability.tracing.sample_ratio", "0 to 1"),
            ("    sample_ratio: -0.1\n", "observability.tracing.sample_ratio", "0 to 1"),
            ("    service_name: \"\"\n", "observability.tracing.service_name", "empty"),
            ("    sampling: 0.5\n", "observability.tracing.sampling", "unknown key"),
        ]
        for (yaml, key, message) in cases {
            let e = try #require(refusal(yaml), "\(yaml)")
            #expect(e.key == key, "\(yaml)")
            #expect(e.message.contains(message), "\(yaml): \(e.message)")
        }
    }

    @Test func exportRefusesAnUnsetHeaderSecretAndGRPC() throws {
        let t = TracingConfiguration(enabled: true, endpoint: "http://127.0.0.1:4318/v1/traces", headers: ["authorization": try SecretReference("env:NOT_SET_ANYWHERE")])
        #expect(throws: TraceExport.Refused.self) { _ = try TraceExport(configuration: t, environment: [:], logger: .init(label: "test")) }
        let plain = TracingConfiguration(enabled: true, endpoint: "http://127.0.0.1:4318/v1/traces")
        #expect(throws: TraceExport.Refused.self) {
            _ = try TraceExport(configuration: plain, environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], logger: .init(label: "test"))
        }
    }
}
