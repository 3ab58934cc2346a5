import Core
import Guardrails
import Testing

@testable import Gateway

/// Which request text the guardrails see (issue 6 review): every text the model reads is scanned and
/// can be rewritten at its place; what cannot be inspected is refused with a 400 naming the place.
@Suite("Request text: scanned or refused")
struct RequestTextTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration())

    static func understand(_ operation: Core.Operation, _ body: String) throws(GatewayError) -> AIRequest {
        try DialectUnderstanding().understand(operation: operation, body: Array(body.utf8), purpose: nil, classification: nil)
    }

    static func refusal(_ operation: Core.Operation, _ body: String) -> GatewayError? {
        do {
            _ = try understand(operation, body)
            return nil
        } catch {
            return error
        }
    }

    @Test("files, audio and unknown content parts are refused with 400 naming the part", arguments: [
        (Core.Operation.chatCompletions, #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.pdf"}}]}]}"#, "messages[0].content[1]"),
        (.chatCompletions, #"{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}"#, "messages[0].content[0]"),
        (.chatCompletions, #"{"model":"m","messages":[{"role":"user","content":[{"type":"hologram","data":"x"}]}]}"#, "messages[0].content[0]"),
        (.responses, #"{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"file-abc"}]}]}"#, "input[0].content[0]"),
        (.responses, #"{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":[{"type":"input_file","file_data":"AAAA"}]}]}"#, "input[0].output[0]"),
    ])
    func refused(_ sample: (Core.Operation, String, String)) {
        let (operation, body, place) = sample
        guard case .invalidRequest(let message, let param)? = Self.refusal(operation, body) else {
            Issue.record("not refused: \(body)")
            return
        }
        #expect(param?.hasPrefix(place) == true, "\(param ?? "-")")
        #expect(message.contains("cannot be inspected") || message.contains("does not accept"), "\(message)")
        #expect(ErrorResponse(.invalidRequest(message: message, param: param)).status == 400)
    }

    @Test("tool and function descriptions, parameter schemas, refusals and array tool outputs are scanned and rewritten in place")
    func scannedAndRewritten() throws {
        let email = "ops.lead@acme-bank.com"
        let chat = """
            {"model":"m","messages":[{"role":"user","content":"hi"},
             {"role":"assistant","content":null,"refusal":"I cannot mail \(email)","function_call":{"name":"f","arguments":"{\\"to\\":\\"\(email)\\"}"}}],
             "tools":[{"type":"function","function":{"name":"send","description":"Sends mail as \(email)",
               "parameters":{"type":"object","properties":{"e-mail.to":{"type":"string","description":"default \(email)","enum":["\(email)"]}}}}}]}
            """
        let request = try Self.understand(.chatCompletions, chat)
        let locations = request.messages.filter { $0.text.contains(email) }.map(\.location.description).sorted()
        #expect(locations == [
            "messages[1].function_call.arguments", "messages[1].refusal", "tools[0].function.description",
            #"tools[0].function.parameters.properties["e-mail.to"].description"#,
            #"tools[0].function.parameters.properties["e-mail.to"].enum[0]"#,
        ])
        let findings = Self.engine.inspect(request)
        guard case .forward(let rewritten, _) = Self.engine.enforce(request, findings: findings, obligations: Obligations(redact: ["pii"])) else {
            Issue.record("blocked")
            return
        }
        let body = String(decoding: rewritten.body.serialized(), as: UTF8.self)
        #expect(!body.contains(email))
        #expect(body.contains("[EMAIL_1]"))

        let responses = """
            {"model":"m","input":[{"type":"function_call_output","call_id":"c1","output":[{"type":"input_text","text":"row: \(email)"}]},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"user is \(email)"}],"encrypted_content":"gAAAA"}],
             "tools":[{"type":"function","name":"lookup","description":"Finds \(email)","parameters":{"type":"object"}}]}
            """
        let r = try Self.understand(.responses, responses)
        #expect(r.messages.filter { $0.text.contains(email) }.map(\.location.description).sorted() == [
            "input[0].output[0].text", "input[1].summary[0].text", "tools[0].description",
        ])
        #expect(!r.messages.contains { $0.text == "gAAAA" })  // the provider's own encrypted reasoning is opaque
    }

    @Test("a finding whose place cannot be rewritten blocks the request instead of forwarding the original")
    func unwritableLocationFailsClosed() {
        let text = "mail ana@example.com"
        let request = AIRequest(
            operation: .chatCompletions, model: "m", messages: [AIMessage(role: .user, text: text, location: "messages[7].content")],
            body: ["messages": [["role": "user", "content": .string(text)]]])
        let findings = Self.engine.inspect(request)
        guard case .block(let category, _) = Self.engine.enforce(request, findings: findings, obligations: Obligations(redact: ["pii"])) else {
            Issue.record("forwarded although the body could not be rewritten")
            return
        }
        #expect(category == "pii.email")
    }
}
