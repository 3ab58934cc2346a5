import Core
import Guardrails
import Testing

@testable import Gateway

/// The Anthropic Messages dialect: what it reads, what it refuses, its headers, usage and error shapes.
@Suite("Anthropic Messages dialect")
struct MessagesDialectTests {
    static let version = APIHeaders(anthropicVersion: "2023-06-01")

    static func understand(_ body: String, headers: APIHeaders = version, operation: Core.Operation = .messages) throws(GatewayError) -> AIRequest {
        try DialectUnderstanding().understand(operation: operation, body: Array(body.utf8), headers: headers, purpose: nil, classification: nil)
    }

    static func refusal(_ body: String, headers: APIHeaders = version, operation: Core.Operation = .messages) -> (String, String?)? {
        do {
            _ = try understand(body, headers: headers, operation: operation)
            return nil
        } catch {
            guard case .invalidRequest(let message, let param) = error else { return ("\(error)", nil) }
            #expect(ErrorResponse(error).status == 400)
            return (message, param)
        }
    }

    static let claudeCode = #"""
    {"model":"claude-sonnet","max_tokens":32000,"stream":true,
     "system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Repo rules","cache_control":{"type":"ephemeral","ttl":"1h"}}],
     "messages":[{"role":"user","content":[{"type":"text","text":"fix the bug","cache_control":{"type":"ephemeral"}}]},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"look at main.swift","signature":"sig=="},{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/src/main.swift"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"let x = 1"}]}]}],
     "tools":[{"name":"Read","description":"Reads a file","input_schema":{"type":"object","properties":{"file_path":{"type":"string"}},"required":["file_path"]}},
              {"type":"bash_20250124","name":"bash"}],
     "tool_choice":{"type":"auto"},"thinking":{"type":"enabled","budget_tokens":4096},"metadata":{"user_id":"user_abc"},"temperature":1}
    """#

    @Test func aClaudeCodeShapedRequestIsReadWithEveryTextAndTool() throws {
        let request = try Self.understand(Self.claudeCode)
        #expect(request.stream)
        #expect(request.maxTokens == 32000)
        #expect(request.toolNames == ["Read", "bash"])
        let texts = Dictionary(request.messages.map { ($0.location.description, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(texts["system[0].text"]?.role == .system)
        #expect(texts["messages[0].content[0].text"]?.role == .user)
        #expect(texts["messages[1].content[0].thinking"]?.role == .assistant)
        #expect(texts["messages[1].content[1].input.file_path"]?.text == "/src/main.swift")
        // A tool result is tool output (where indirect injections are looked for), though it sits in a user turn.
        #expect(texts["messages[2].content[0].content[0].text"]?.role == .tool)
        #expect(texts["tools[0].description"]?.role == .system)
    }

    @Test("what the gateway cannot inspect or serve is refused with a 400 naming it", arguments: [
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="}}]}]}"#, "messages[0].content[0].source"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"file_1"}}]}]}"#, "messages[0].content[0].source"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"code_execution_20250825","name":"code_execution"}]}"#, "tools[0]"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_fetch_20250910","name":"web_fetch"}]}"#, "tools[0]"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"mcp_servers":[{"type":"url","url":"https://x","name":"x"}]}"#, "mcp_servers"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"container":"c_1"}"#, "container"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"workspace_id":"w"}"#, "workspace_id"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"hologram"}]}]}"#, "messages[0].content[0].type"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"x_debug":true}"#, "x_debug"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"hi"}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#, "max_tokens"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":10}}"#, "thinking.budget_tokens"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"temperature":1.5}"#, "temperature"),
    ])
    func refused(_ sample: (String, String)) {
        guard let (message, param) = Self.refusal(sample.0) else {
            Issue.record("accepted: \(sample.0)")
            return
        }
        #expect(param == sample.1, "\(param ?? "-"): \(message)")
    }

    @Test func theVersionHeaderIsRequiredAndOnlyAllowedBetasPass() throws {
        let body = #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#
        #expect(Self.refusal(body, headers: APIHeaders())?.1 == "anthropic-version")
        #expect(Self.refusal(body, headers: APIHeaders(anthropicVersion: "2021-01-01"))?.1 == "anthropic-version")
        #expect(Self.refusal(body, headers: APIHeaders(anthropicVersion: "2023-06-01", anthropicBeta: "mcp-client-2025-04-04"))?.1 == "anthropic-beta")
        #expect(Self.refusal(body, headers: APIHeaders(anthropicVersion: "2023-06-01", anthropicBeta: "claude-code-20250219, files-api-2025-04-14"))?.1 == "anthropic-beta")
        let request = try Self.understand(body, headers: APIHeaders(anthropicVersion: "2023-06-01", anthropicBeta: "claude-code-20250219 , interleaved-thinking-2025-05-14,claude-code-20250219"))
        #expect(request.providerBetas == ["claude-code-20250219", "interleaved-thinking-2025-05-14"])
        #expect(request.providerVersion == "2023-06-01")
        #expect(try Self.understand(body, headers: APIHeaders(anthropicVersion: "2026-10-21")).providerVersion == "2026-10-21")
        // An operator's own allow-list replaces the default one.
        let configured = DialectUnderstanding(extraFields: APIsConfiguration([.messages: .init(anthropicBeta: ["files-api-2025-04-14"])]))
        let allowed = try configured.understand(
            operation: .messagesCountTokens, body: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8),
            headers: APIHeaders(anthropicVersion: "2023-06-01", anthropicBeta: "files-api-2025-04-14"), purpose: nil, classification: nil)
        #expect(allowed.providerBetas == ["files-api-2025-04-14"])
    }

    @Test func webSearchRunsAtTheProviderAndOtherToolsAtTheCaller() throws {
        let request = try Self.understand(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":2},{"name":"lookup","input_schema":{"type":"object"}},{"type":"memory_20250818","name":"memory"}]}"#)
        #expect(request.tools.map(\.name) == ["web_search", "lookup", "memory"])
        #expect(request.tools.map(\.execution) == [.provider, .client, .client])
    }

    @Test func countTokensTakesNoGenerationParameters() throws {
        let request = try Self.understand(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"system":"be brief"}"#, operation: .messagesCountTokens)
        #expect(request.maxTokens == 0 && !request.stream)
        #expect(Self.refusal(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#, operation: .messagesCountTokens)?.1 == "max_tokens")
    }

    @Test func removingToolsFallsBackFromAForcedChoiceAndCappingDisablesAnOversizedThinkingBudget() {
        var body: JSONValue = ["tools": [], "tool_choice": ["type": "tool", "name": "gone", "disable_parallel_tool_use": true], "max_tokens": 9000, "thinking": ["type": "enabled", "budget_tokens": 8000]]
        let kept = [AITool(name: "stay", location: JSONLocation([.key("tools"), .index(0)]), execution: .client)]
        Dialects.messages.toolsRemoved([AITool(name: "gone", location: JSONLocation([.key("tools"), .index(1)]), execution: .client)], kept: kept, from: &body)
        #expect(body["tools"] == nil)
        #expect(body["tool_choice"] == ["type": "auto", "disable_parallel_tool_use": true])
        Dialects.messages.capOutput(&body, at: 1000)
        #expect(body["max_tokens"] == 1000)
        #expect(body["thinking"] == ["type": "disabled"])
    }

    @Test func usageMergesTheStartAndTheDeltaOfAStream() throws {
        let start = try JSONParser.parse(Array(#"{"type":"message_start","message":{"usage":{"input_tokens":12,"output_tokens":1,"cache_creation_input_tokens":100,"cache_read_input_tokens":50}}}"#.utf8))
        let delta = try JSONParser.parse(Array(#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}"#.utf8))
        let first = Dialects.messages.usage(in: start, after: nil)
        let last = Dialects.messages.usage(in: delta, after: first)
        #expect(last == TokenUsage(inputTokens: 12, outputTokens: 42, cacheWriteTokens: 100, cacheReadTokens: 50))
    }

    @Test("errors are Anthropic-shaped, typed by status", arguments: [
        (GatewayError.credentialsMissing, 401, "authentication_error"),
        (.forbidden(policies: []), 403, "permission_error"),
        (.unknownModel("x"), 404, "not_found_error"),
        (.bodyTooLarge(limit: 10), 413, "request_too_large"),
        (.limited(code: "rate_limit_exceeded", message: "slow down", retryAfterSeconds: 3, headers: []), 429, "rate_limit_error"),
        (.guardrailBlocked(category: "injection"), 400, "invalid_request_error"),
        (.controlUnavailable(control: "audit"), 503, "overloaded_error"),
        (.upstream(.timeout(provider: "p")), 504, "timeout_error"),
    ])
    func errors(_ sample: (GatewayError, Int, String)) throws {
        let mapped = ErrorResponse(sample.0)
        #expect(mapped.status == sample.1)
        let body = try JSONParser.parse(Dialects.messages.errorBody(mapped))
        #expect(body["type"] == "error")
        #expect(body["error"]?["type"]?.stringValue == sample.2)
        #expect(body["error"]?["message"]?.stringValue == mapped.message)
    }

    @Test func aStoppedStreamEndsWithAnAnthropicErrorEvent() throws {
        let events = Dialects.messages.streamError(code: "response_blocked", message: "Response blocked by guardrail: pii detected.")
        #expect(events.count == 1 && events[0].event == "error")
        let json = try JSONParser.parse(events[0].data)
        #expect(json["error"]?["type"] == "invalid_request_error")
    }

    @Test func aProviderErrorEventIsPassedOnAndEndsTheStreamAsAFailure() {
        var inspection = AnswerInspection(dialect: Dialects.messages, streamed: true, mirrorsServed: false) {
            GuardrailAnswerFilter(filter: DialectMatrixTests.engine.makeAnswerFilter(obligations: Obligations(redact: ["pii"]), vault: PseudonymVault()))
        }
        let events = [
            #"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"c","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"partial"}}"#,
            #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ]
        var out: [SSEEvent] = []
        for (i, e) in events.enumerated() { out += inspection.process(SSEEvent(event: i == 3 ? "error" : nil, data: Array(e.utf8))) }
        #expect(inspection.providerFailed && inspection.terminated)
        #expect(out.last?.event == "error")
        #expect(out.contains { String(decoding: $0.data, as: UTF8.self).contains("partial") })
    }
}
