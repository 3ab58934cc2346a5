import AsyncHTTPClient
import Audit
import Core
import InMemoryTracing
import Providers
import Testing
import Tracing
@testable import Gateway

/// The spans of a request, with an in-memory tracer in place of the OTLP exporter's: names, structure, the
/// GenAI attributes, the caller's trace continued (and a malformed one ignored), and no content anywhere.
@Suite struct TracingTests {
    static let marker = "ZEBRA-MARKER-7731"
    static let secret = "sk-live-9f8e7d6c5b4a39281706SECRETKEY"
    static let token = "tok-CALLER-BEARER-5512"
    static let body = Array(#"{"model":"m","max_tokens":64,"messages":[{"role":"user","content":"\#(marker) my key is \#(secret), mail bob@example.com"}]}"#.utf8)
    static let callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpan = "00f067aa0ba902b7"

    func pipeline(_ stages: FakeStages, tracer: RecordingTracer, hidePolicyIDs: Bool = false) throws -> Pipeline {
        let provider = try ProviderClient(name: "p", configuration: .init(kind: .openai, baseURL: "http://127.0.0.1:1/v1"), httpClient: HTTPClient.shared)
        let registry = ProviderRegistry(clients: ["p": provider], models: [ModelDescriptor(name: "m", provider: "p", upstreamModel: "m-upstream")])
        return Pipeline(authenticate: stages, inspectRequest: stages, decide: stages, admit: stages, applyObligations: stages,
                        forward: stages, inspectAnswer: stages, record: stages, models: registry, metrics: GatewayMetrics(),
                        tracing: RequestTracing(tracer: tracer), hidePolicyIDs: hidePolicyIDs)
    }

    func call(_ body: [UInt8] = body, trace: CallerTraceContext? = nil) -> IncomingCall {
        IncomingCall(operation: .chatCompletions, body: .bytes(body), credentials: Credentials(authorization: "Bearer \(Self.token)"),
                     context: .init(requestID: "r1", route: "/v1/chat/completions"), traceContext: trace)
    }

    static var email: Finding { Finding(detector: "pii.email", category: "pii.email", start: 0, end: 5, score: 1) }

    func requestSpan(_ tracer: RecordingTracer) throws -> FinishedInMemorySpan {
        let servers = tracer.spans.filter { $0.kind == .server }
        try #require(servers.count == 1, "one request span, got \(tracer.spans.map(\.operationName))")
        return servers[0]
    }

    /// Everything the tracer was given, names included, must be free of the request's content and secrets.
    func expectNoContent(_ tracer: RecordingTracer) {
        for span in tracer.spans {
            for text in span.attributeTexts + [span.operationName] {
                for forbidden in [Self.marker, Self.secret, Self.token, "bob@example.com", "hello"] {
                    #expect(!text.contains(forbidden), "span \(span.operationName) carries '\(forbidden)'")
                }
            }
        }
    }

    @Test func chatRequestSpanCarriesGenAIAttributesAndStepChildren() async throws {
        let tracer = RecordingTracer()
        let p = try pipeline(FakeStages(log: StepLog(), findings: [Self.email]), tracer: tracer)
        let answer = await p.handle(call())
        #expect(answer.status == 200)
        let request = try requestSpan(tracer)
        #expect(request.operationName == "chat m")
        #expect(request.string("gen_ai.operation.name") == "chat")
        #expect(request.string("gen_ai.request.model") == "m")
        #expect(request.string("gen_ai.response.model") == "m-upstream")
        #expect(request.string("gen_ai.provider.name") == "openai")
        #expect(request.int("gen_ai.request.max_tokens") == 64)
        #expect(request.int("gen_ai.usage.input_tokens") == 3)
        #expect(request.int("gen_ai.usage.output_tokens") == 1)
        #expect(request.int("http.response.status_code") == 200)
        #expect(request.string("portcullis.decision") == "allow")
        #expect(request.strings("portcullis.policies") == ["permit-1"])
        #expect(request.string("portcullis.outcome") == "allowed")
        #expect(request.strings("portcullis.finding_categories") == ["pii.email"])
        #expect(request.string("portcullis.trail_id")?.isEmpty == false)
        #expect(request.bool("portcullis.cache_hit") == false)
        #expect(request.string("error.type") == nil)
        #expect(request.status?.code != .error)
        #expect(request.parentSpanID == nil)

        let children = tracer.spans.filter { $0.kind != .server }
        #expect(children.allSatisfy { $0.parentSpanID == request.spanID && $0.traceID == request.traceID })
        #expect(children.map(\.operationName) == [
            "authenticate", "understand", "inspect_request", "decide", "admit", "apply_obligations", "record", "forward", "inspect_answer", "record",
        ])
        #expect(children.filter { $0.operationName == "record" }.map { $0.string("portcullis.record") } == ["begin", "end"])
        let forward = try #require(children.first { $0.operationName == "forward" })
        #expect(forward.kind == .client)
        #expect(forward.string("gen_ai.provider.name") == "openai")
        #expect(forward.string("gen_ai.request.model") == "m-upstream")
        #expect(forward.int("http.response.status_code") == 200)
        expectNoContent(tracer)
    }

    @Test func streamedAnswerIsInspectedWithinTheRequestSpan() async throws {
        let tracer = RecordingTracer()
        let chunk = #"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hello"},"finish_reason":null}]}"#
        let last = #"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#
        let sse = "data: \(chunk)\n\ndata: \(last)\n\ndata: [DONE]\n\n"
        let p = try pipeline(FakeStages(log: StepLog(), stream: sse), tracer: tracer)
        let streamed = Array(#"{"model":"m","stream":true,"messages":[{"role":"user","content":"\#(Self.marker)"}]}"#.utf8)
        let answer = await p.handle(call(streamed))
        #expect(answer.status == 200)
        guard case .stream(let run) = answer.body else { Issue.record("expected a stream"); return }
        #expect(tracer.spans.allSatisfy { $0.kind != .server }, "the request span stays open while the answer streams")
        await run { _ in }
        let request = try requestSpan(tracer)
        #expect(request.operationName == "chat m")
        #expect(request.bool("gen_ai.request.stream") == true)
        #expect(request.string("portcullis.outcome") == "allowed")
        let inspect = try #require(tracer.spans.first { $0.operationName == "inspect_answer" })
        #expect(inspect.parentSpanID == request.spanID)
        expectNoContent(tracer)
    }

    @Test func callerTraceparentIsContinued() async throws {
        let tracer = RecordingTracer()
        let p = try pipeline(FakeStages(log: StepLog()), tracer: tracer)
        let caller = try #require(CallerTraceContext(traceParent: ["00-\(Self.callerTrace)-\(Self.callerSpan)-01"], traceState: ["vendor=abc"]))
        _ = await p.handle(call(trace: caller))
        let request = try requestSpan(tracer)
        #expect(request.traceID == Self.callerTrace)
        #expect(request.parentSpanID == Self.callerSpan)
        // Only the validated context reaches the tracer, never the request's other headers.
        #expect(tracer.extractedFrom == [["traceparent": "00-\(Self.callerTrace)-\(Self.callerSpan)-01", "tracestate": "vendor=abc"]])
    }

    @Test func malformedTraceparentStartsANewTrace() async throws {
        let valid = "00-\(Self.callerTrace)-\(Self.callerSpan)-01"
        for malformed in [
            "", "00-\(Self.callerTrace)-\(Self.callerSpan)", valid + "-extra", valid.uppercased(), "01" + valid.dropFirst(2), "ff" + valid.dropFirst(2),
            "00-00000000000000000000000000000000-\(Self.callerSpan)-01", "00-\(Self.callerTrace)-0000000000000000-01",
            "00_\(Self.callerTrace)_\(Self.callerSpan)_01", "00-\(Self.callerTrace.dropLast())g-\(Self.callerSpan)-01",
            "00-\(Self.callerTrace)-\(Self.callerSpan)-0x", " " + valid.dropLast(),
        ] {
            #expect(CallerTraceContext(traceParent: [malformed], traceState: []) == nil, "accepted '\(malformed)'")
        }
        // Two traceparent headers: which one is meant is unknown, so neither is.
        #expect(CallerTraceContext(traceParent: [valid, valid], traceState: []) == nil)
        // A tracestate that breaks the grammar is dropped; the parent stands.
        for state in ["Vendor=x", "a=b=c", "a=1,a=2", "a", "a=x\u{01}y", "a= ", "@x=1", (0..<33).map { "k\($0)=v" }.joined(separator: ",")] {
            let context = try #require(CallerTraceContext(traceParent: [valid], traceState: [state]))
            #expect(context.traceState == nil, "kept tracestate '\(state)'")
        }
        let kept = try #require(CallerTraceContext(traceParent: [valid], traceState: ["a=1, t@sys=x y", "b=2"]))
        #expect(kept.traceState == "a=1,t@sys=x y,b=2")

        let tracer = RecordingTracer()
        let p = try pipeline(FakeStages(log: StepLog()), tracer: tracer)
        _ = await p.handle(call(trace: CallerTraceContext(headers: [("traceparent", valid.uppercased())])))
        let request = try requestSpan(tracer)
        #expect(request.parentSpanID == nil)
        #expect(request.traceID != Self.callerTrace.uppercased() && request.traceID != Self.callerTrace)
        #expect(tracer.extractedFrom.isEmpty)
    }

    @Test func deniedRequestSaysWhyWithoutBeingAnError() async throws {
        let tracer = RecordingTracer()
        let p = try pipeline(FakeStages(log: StepLog(), deny: true), tracer: tracer)
        let answer = await p.handle(call())
        #expect(answer.status == 403)
        let request = try requestSpan(tracer)
        #expect(request.string("portcullis.decision") == "deny")
        #expect(request.strings("portcullis.policies") == ["forbid-1"])
        #expect(request.string("portcullis.outcome") == "refused_policy")
        #expect(request.string("error.type") == "refused_policy")
        #expect(request.int("http.response.status_code") == 403)
        #expect(request.status?.code != .error)
        #expect(request.attributes.get("gen_ai.usage.input_tokens") == nil)
        #expect(!tracer.spans.contains { $0.operationName == "forward" })
        #expect(tracer.spans.filter { $0.operationName == "record" }.map { $0.string("portcullis.record") } == ["complete"])
        expectNoContent(tracer)
    }

    @Test func hiddenPolicyIDsStayOutOfTraces() async throws {
        let tracer = RecordingTracer()
        let p = try pipeline(FakeStages(log: StepLog(), deny: true), tracer: tracer, hidePolicyIDs: true)
        _ = await p.handle(call())
        let request = try requestSpan(tracer)
        #expect(request.string("portcullis.decision") == "deny")
        #expect(request.attributes.get("portcullis.policies") == nil)
    }

    @Test func refusedAuthenticationFailsItsStepOnly() async throws {
        let tracer = RecordingTracer()
        let p = try pipeline(FakeStages(log: StepLog(), failAuth: true), tracer: tracer)
        _ = await p.handle(call())
        let request = try requestSpan(tracer)
        #expect(request.operationName == "chat")
        #expect(request.string("portcullis.outcome") == "refused_auth")
        let auth = try #require(tracer.spans.first { $0.operationName == "authenticate" })
        #expect(auth.string("error.type") == "invalid_token")
        #expect(auth.status?.code != .error)
        expectNoContent(tracer)
    }

    @Test func aModelNameTheGatewayDoesNotServeIsNotTraced() async throws {
        let tracer = RecordingTracer()
        let p = try pipeline(FakeStages(log: StepLog()), tracer: tracer)
        let answer = await p.handle(call(Array(#"{"model":"\#(Self.marker)","messages":[{"role":"user","content":"x"}]}"#.utf8)))
        #expect(answer.status == 404)
        let request = try requestSpan(tracer)
        #expect(request.operationName == "chat")
        #expect(request.attributes.get("gen_ai.request.model") == nil)
        expectNoContent(tracer)
    }

    @Test func upstreamFailureIsAnError() async throws {
        let tracer = RecordingTracer()
        var stages = FakeStages(log: StepLog())
        stages.answer = "not json"
        let p = try pipeline(stages, tracer: tracer)
        let answer = await p.handle(call())
        #expect(answer.status == 502)
        let request = try requestSpan(tracer)
        #expect(request.status?.code == .error)
        #expect(request.string("error.type") == "upstream_error")
    }

    @Test func tracingOffMakesNoSpan() async throws {
        let p = try pipeline(FakeStages(log: StepLog()), tracer: RecordingTracer())
        let off = Pipeline(authenticate: p.authenticate, inspectRequest: p.inspectRequest, decide: p.decide, admit: p.admit,
                           applyObligations: p.applyObligations, forward: p.forward, inspectAnswer: p.inspectAnswer, record: p.record,
                           models: p.models, metrics: GatewayMetrics())
        #expect(!off.tracing.isOn)
        #expect(off.tracing.startRequest("chat", caller: nil).span == nil)
        #expect(await off.handle(call()).status == 200)
    }

    @Test func mcpCallsAreNamedByMethodAndPinnedTool() throws {
        var trail = RequestTrail(context: .init(requestID: "r", route: "/mcp/weather"))
        trail.mcp = AuditMCPCall(server: "weather", method: "tools/call")
        trail.operation = .toolsCall
        trail.mcp?.name = "get_forecast"
        // Not pinned (refused before its definition matched): the caller's tool name stays out.
        var described = RequestSpanAttributes(trail, providerKind: nil, hidePolicyIDs: false)
        #expect(described.name == "tools/call")
        #expect(described.attributes.get("gen_ai.tool.name") == nil)
        #expect(described.attributes.get("mcp.method.name") == .string("tools/call"))
        #expect(described.attributes.get("gen_ai.operation.name") == .string("execute_tool"))
        #expect(described.attributes.get("portcullis.mcp.server") == .string("weather"))
        trail.mcp?.definitionSHA256 = String(repeating: "a", count: 64)
        described = RequestSpanAttributes(trail, providerKind: nil, hidePolicyIDs: false)
        #expect(described.name == "execute_tool get_forecast")
        #expect(described.attributes.get("gen_ai.tool.name") == .string("get_forecast"))
        // A method the gateway does not know is the caller's text: not named.
        var unknown = RequestTrail(context: .init(requestID: "r", route: "/mcp/weather"))
        unknown.mcp = AuditMCPCall(server: "weather", method: "\(Self.marker)/call")
        described = RequestSpanAttributes(unknown, providerKind: nil, hidePolicyIDs: false)
        #expect(described.name == "mcp")
        #expect(described.attributes.get("mcp.method.name") == nil)
    }

    @Test func aRequestSpanNeverConcludedEndsWithItsLastTrail() {
        let tracer = RecordingTracer()
        do {
            var trail = RequestTrail(context: .init(requestID: "r"))
            trail.trace = RequestTracing(tracer: tracer).startRequest("chat", caller: nil)
            #expect(trail.trace.span != nil)
            #expect(tracer.spans.isEmpty)
        }
        #expect(tracer.spans.map(\.operationName) == ["chat"])
    }

    @Test func everyOperationHasAGenAIName() {
        #expect(GenAINames.operation(.chatCompletions) == "chat")
        #expect(GenAINames.operation(.responses) == "chat")
        #expect(GenAINames.operation(.messages) == "chat")
        #expect(GenAINames.operation(.embeddings) == "embeddings")
        #expect(GenAINames.operation(.toolsCall) == "execute_tool")
        #expect(Set(Core.Operation.allCases.map(GenAINames.operation)).count == Core.Operation.allCases.count - 2)
        #expect(GenAINames.provider(.azure) == "azure.ai.openai")
        #expect(GenAINames.provider(.bedrock) == "aws.bedrock")
        #expect(GenAINames.provider(.gemini) == "gcp.gemini")
        #expect(GenAINames.provider(.vertex) == "gcp.vertex_ai")
    }
}
