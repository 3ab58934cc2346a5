import Core
import Foundation
import Testing

@testable import Gateway

/// `apis:` — operators allow named extra request fields per API, each as text (inspected) or a parameter
/// (no strings); everything else stays refused.
@Suite struct APIsConfigurationTests {
    func load(_ apis: String) throws -> GatewayConfiguration {
        try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: ConfigurationTests.valid + "\n" + apis, file: "portcullis.yaml")
    }

    func understand(_ configuration: GatewayConfiguration, _ body: String) throws(GatewayError) -> AIRequest {
        try DialectUnderstanding(extraFields: configuration.apis).understand(
            operation: .chatCompletions, body: Array(body.utf8), purpose: nil, classification: nil)
    }

    static let apis = """
        apis:
          chat.completions:
            extra_fields: { top_k: parameter, guided_json: text }
        """

    @Test func extraFieldsAreAcceptedAsDeclared() throws {
        let c = try load(Self.apis)
        let r = try understand(c, #"{"model":"m","messages":[{"role":"user","content":"hi"}],"top_k":40,"guided_json":{"properties":{"card":{"description":"4111 1111 1111 1111"}}}}"#)
        #expect(r.messages.map(\.location.description).contains("guided_json.properties.card.description"))
        #expect(r.messages.map(\.location.description).contains(#"guided_json.properties{"card"}"#))
        #expect(r.body["top_k"] == 40)
    }

    @Test func aParameterExtraFieldHoldsNoText() throws {
        let c = try load(Self.apis)
        #expect(throws: GatewayError.self) { try understand(c, #"{"model":"m","messages":[{"role":"user","content":"hi"}],"top_k":"forty"}"#) }
    }

    @Test func fieldsNobodyAllowedStayRefused() throws {
        let c = try load(Self.apis)
        do {
            _ = try understand(c, #"{"model":"m","messages":[{"role":"user","content":"hi"}],"min_p":0.1}"#)
            Issue.record("accepted")
        } catch {
            guard case .invalidRequest(_, let param) = error else { Issue.record("\(error)"); return }
            #expect(param == "min_p")
        }
        // Another API's extra fields are not this API's.
        #expect(throws: GatewayError.self) {
            _ = try DialectUnderstanding(extraFields: c.apis).understand(
                operation: .responses, body: Array(#"{"model":"m","input":"hi","top_k":1}"#.utf8), purpose: nil, classification: nil)
        }
    }

    @Test func unknownAPIsAndRedeclaredFieldsStopStartUp() throws {
        for (apis, expected) in [
            ("apis:\n  chat.completion:\n    extra_fields: {top_k: parameter}\n", "unknown API 'chat.completion'"),
            ("apis:\n  chat.completions:\n    extra_fields: {temperature: parameter}\n", "'temperature' is already declared"),
            ("apis:\n  chat.completions:\n    extra_fields: {top_k: number}\n", "top_k"),
            ("apis:\n  chat.completions:\n    allow: [top_k]\n", "unknown key 'allow'"),
        ] {
            do {
                _ = try load(apis)
                Issue.record("accepted: \(apis)")
            } catch let e as ConfigurationError {
                #expect(e.description.contains(expected), "\(e.description)")
            }
        }
    }
}
