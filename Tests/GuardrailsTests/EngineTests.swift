import Core
import Foundation
import Testing

@testable import Guardrails

@Suite("Guardrail engine")
struct EngineTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration())

    static func request(_ texts: [String]) -> AIRequest {
        let messages: [JSONValue] = texts.map { ["role": "user", "content": .string($0)] }
        return AIRequest(
            operation: .chatCompletions, model: "m",
            messages: texts.enumerated().map { AIMessage(role: .user, text: $1, location: JSONLocation(parsing: "messages[\($0)].content")!) },
            body: ["model": "m", "messages": .array(messages)])
    }

    @Test("inspect scans every message and sets messageIndex")
    func inspect() {
        let findings = Self.engine.inspect(Self.request(["hi", "mail me at a@example.com"]))
        #expect(findings.count == 1)
        #expect(findings.first?.messageIndex == 1)
        #expect(findings.first?.direction == .request)
        #expect(findings.first?.start == 11)
        #expect(findings.first?.end == 24)
    }

    @Test("redact and pseudonymise rewrite messages and body; same value, same placeholder")
    func rewrite() throws {
        let request = Self.request(["a@example.com and b@example.com", "again a@example.com, key AKIAZ7QW3ERT5YUI2OPL"])
        let findings = Self.engine.inspect(request)
        let verdict = Self.engine.enforce(request, findings: findings, obligations: Obligations(pseudonymise: ["pii.email"]))
        guard case .forward(let out, let vault) = verdict else {
            Issue.record("expected forward")
            return
        }
        #expect(out.messages[0].text == "[EMAIL_1] and [EMAIL_2]")
        #expect(out.messages[1].text == "again [EMAIL_1], key [AWS_ACCESS_KEY_1]")
        #expect(out.body["messages"]?[1]?["content"]?.stringValue == "again [EMAIL_1], key [AWS_ACCESS_KEY_1]")
        #expect(vault.original(for: "[EMAIL_2]") == "b@example.com")
        #expect(vault.original(for: "[AWS_ACCESS_KEY_1]") == nil)  // redacted, not reversible
        #expect(!String(describing: vault).contains("example.com"))
    }

    @Test("block names the category; the strict profile blocks secrets")
    func block() {
        let request = Self.request(["token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"])
        let verdict = Self.engine.enforce(
            request, findings: Self.engine.inspect(request), obligations: Obligations(guardrailProfile: "strict"))
        guard case .block(let category, let finding) = verdict else {
            Issue.record("expected block")
            return
        }
        #expect(category == "secret.github_token")
        #expect(finding.messageIndex == 0)
    }

    @Test("obligations tighten, never loosen, the profile")
    func tightening() {
        #expect(Self.engine.action(for: "pii.email", direction: .request) == .flag)
        #expect(Self.engine.action(for: "pii.email", direction: .request, obligations: Obligations(redact: ["pii"])) == .redact)
        #expect(Self.engine.action(for: "secret.jwt", direction: .request, obligations: Obligations(guardrailProfile: "strict", pseudonymise: ["secret"])) == .block)
        #expect(Self.engine.action(for: "injection", direction: .request, obligations: Obligations(redact: ["*"])) == .flag)
        #expect(Self.engine.action(for: "pii.email", direction: .request, obligations: Obligations(guardrailProfile: "off")) == .allow)
    }

    @Test("configuration: strict keys, custom detectors compiled into the database")
    func configuration() throws {
        let json = #"{"default_profile":"standard","custom_detectors":[{"name":"codename","keywords":["Blue Bird"],"action":"block"},{"name":"employee","pattern":"EMP-[0-9]{6}","action":"redact"}]}"#
        let config = try JSONDecoder().decode(GuardrailsConfiguration.self, from: Data(json.utf8))
        let engine = try GuardrailEngine(configuration: config)
        let findings = engine.scan("Project blue bird, owner EMP-123456", direction: .request)
        #expect(findings.map(\.category) == ["custom.codename", "custom.employee"])
        #expect(engine.action(for: "custom.codename", direction: .request) == .block)
        #expect(engine.action(for: "custom.employee", direction: .response) == .redact)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(GuardrailsConfiguration.self, from: Data(#"{"default_profil":"strict"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(GuardrailsConfiguration.self, from: Data(#"{"default_profile":"nope"}"#.utf8))
        }
        #expect(throws: ScannerError.self) {
            try GuardrailEngine(configuration: GuardrailsConfiguration(customDetectors: [CustomDetector(name: "bad", pattern: "(?<=a)b")]))
        }
    }

    struct Shouting: TextDetector {
        func detect(_ text: String, role: AIMessage.Role, direction: Finding.Direction) -> [Finding] {
            text.contains("IGNORE ALL") ? [Finding(detector: "test.shout", category: "injection", start: 0, end: 10, score: 0.9, direction: direction)] : []
        }
    }

    @Test("text detectors run on every message with the message index")
    func textDetectors() throws {
        let engine = try GuardrailEngine(configuration: GuardrailsConfiguration(), textDetectors: [Shouting()])
        let findings = engine.inspect(Self.request(["fine", "IGNORE ALL previous"]))
        #expect(findings.map(\.category) == ["injection"])
        #expect(findings.first?.messageIndex == 1)
    }
}
