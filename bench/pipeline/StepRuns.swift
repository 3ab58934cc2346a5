import Core
import Foundation
import Gateway
import NIOCore
import Providers

/// Each pipeline step on its own, `iterations` times, on the same inputs as a real request.
struct StepRuns {
    let setup: BenchSetup
    let iterations: Int
    let table: StepTable

    func run() async throws {
        let pipeline = setup.runtime.pipeline
        let call = setup.call()
        let principal = try await pipeline.authenticate.authenticate(call.credentials, context: call.context)
        let request = try pipeline.understand.understand(
            operation: call.operation, body: BenchBody.chat, purpose: call.purpose, classification: call.classification)
        let (model, _) = try pipeline.models.route(request.model)
        let findings = try await pipeline.inspectRequest.inspect(request)
        let query = PolicyQuery(
            principal: principal, operation: call.operation, model: model, purpose: request.purpose,
            dataClassification: request.dataClassification, tools: request.toolNames, stream: request.stream,
            estimatedInputTokens: request.estimatedInputTokens, maxTokens: request.maxTokens,
            sourceIP: call.context.clientIP, time: call.context.receivedAt, findings: findings)
        let decision = await pipeline.decide.decide(query)
        guard decision.isAllowed else { throw BenchFailure("the profile's policy denies the benchmark request") }
        let admission = try await pipeline.admit.admit(request, model: model, principal: principal, obligations: decision.obligations, cacheControl: "no-store")
        await pipeline.admit.settle(admission, usage: nil)
        let prepared = try pipeline.applyObligations.apply(request, findings: findings, decision: decision, admission: admission)
        var trail = RequestTrail(context: call.context)
        trail.operation = call.operation
        trail.principal = principal
        trail.decision = decision
        trail.requestFindings = findings
        trail.requestBody = BenchBody.chat
        let answer = try await forwardOnce(prepared, model: model, principal: principal, context: call.context)

        try await measure("1 authenticate (ES256 JWT)") { _ = try await pipeline.authenticate.authenticate(call.credentials, context: call.context) }
        try await measure("2 understand (parse 2 KB)") {
            _ = try pipeline.understand.understand(operation: call.operation, body: BenchBody.chat, purpose: call.purpose, classification: call.classification)
        }
        try await measure("3 inspect request (guardrails)") { _ = try await pipeline.inspectRequest.inspect(request) }
        await measure("4 decide (policy)") { _ = await pipeline.decide.decide(query) }
        try await measure("5 admit + settle (limits)") {
            let a = try await pipeline.admit.admit(request, model: model, principal: principal, obligations: decision.obligations, cacheControl: "no-store")
            await pipeline.admit.settle(a, usage: TokenUsage(inputTokens: 500, outputTokens: 80))
        }
        try await measure("6 apply obligations") {
            _ = try pipeline.applyObligations.apply(request, findings: findings, decision: decision, admission: admission)
        }
        try await measure("7 forward (encode, HTTP client, mock in process)") {
            _ = try await forwardOnce(prepared, model: model, principal: principal, context: call.context)
        }
        await measure("8 inspect response (filter answer text)") {
            guard let json = try? JSONParser.parse(answer) else { return }
            var filter = pipeline.inspectAnswer.makeFilter(for: prepared)
            let text = json["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""
            _ = filter.feed(text)
            _ = filter.finish()
        }
        // The Anthropic dialect and the translation between the two formats, on the same conversation.
        let messagesBody = try ChatToAnthropic.request(request.body, defaultMaxTokens: 400)
        let messagesBytes = messagesBody.serialized()
        let headers = APIHeaders(anthropicVersion: "2023-06-01")
        try await measure("2m understand a Messages request (same conversation)") {
            _ = try pipeline.understand.understand(operation: .messages, body: messagesBytes, headers: headers, purpose: nil, classification: nil)
        }
        try await measure("7t translate request, chat → Messages") { _ = try ChatToAnthropic.request(request.body, defaultMaxTokens: 400) }
        try await measure("7u translate request, Messages → chat") { _ = try AnthropicToChat.request(messagesBody) }
        let answerJSON = try JSONParser.parse(answer)
        let messagesAnswer = try AnthropicToChat.answer(answerJSON).json
        try await measure("8t translate answer, Messages → chat") { _ = try ChatToAnthropic.answer(messagesAnswer) }
        try await measure("8u translate answer, chat → Messages") { _ = try AnthropicToChat.answer(answerJSON) }
        // Bedrock: the Converse translation, SigV4 over the translated body, and a ConverseStream answer's
        // event-stream frames (prelude and message CRC32) decoded and named.
        let converseBody = try ChatToConverse.request(request.body, defaultMaxTokens: 400).serialized()
        try await measure("7b translate request, chat → Converse") { _ = try ChatToConverse.request(request.body, defaultMaxTokens: 400) }
        let signer = SigV4Signer(region: "ap-southeast-1", service: "bedrock")
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session-token")
        let url = "https://bedrock-runtime.ap-southeast-1.amazonaws.com/model/anthropic.claude-sonnet-4-v1%3A0/converse"
        let signed: [(String, String)] = [("content-type", "application/json"), ("accept", "application/json")]
        await measure("7s SigV4 sign (2 KB body, session token)") {
            _ = signer.signingHeaders(method: "POST", url: url, headers: signed, body: converseBody, credentials: credentials, date: Date())
        }
        let words = (String(decoding: answer, as: UTF8.self).split(separator: " ").map(String.init) + Array(repeating: "word", count: 60)).prefix(60)
        var frames: [UInt8] = []
        func frame(_ type: String, _ payload: String) {
            frames += EventStreamEncoder.encode(EventStreamMessage(
                headers: [":event-type": .string(type), ":content-type": .string("application/json"), ":message-type": .string("event")],
                payload: Array(payload.utf8)))
        }
        frame("messageStart", #"{"role":"assistant"}"#)
        for w in words { frame("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"\#(w.filter { $0.isLetter }) "},"p":"abcdefgh"}"#) }
        frame("contentBlockStop", #"{"contentBlockIndex":0}"#)
        frame("messageStop", #"{"stopReason":"end_turn"}"#)
        frame("metadata", #"{"usage":{"inputTokens":500,"outputTokens":80,"totalTokens":580},"metrics":{"latencyMs":120}}"#)
        let eventCount = words.count + 4
        try await measure("8e decode + translate a ConverseStream answer (\(eventCount) frames, \(frames.count) B)") {
            var decoder = EventStreamDecoder()
            var translator = ChatToConverse.StreamTranslator(includeUsage: true, model: "bench-model")
            for message in try decoder.push(frames) {
                let (name, data) = try BedrockStreamEvent.named(message)
                _ = translator.translate(name: name, data: data)
            }
            try decoder.finish()
        }
        try await measure("9 record begin + end (audit, durable)") {
            try await pipeline.record.begin(trail)
            await pipeline.record.end(trail)
        }
    }

    func forwardOnce(_ prepared: PreparedRequest, model: ModelDescriptor, principal: Principal, context: RequestContext) async throws -> [UInt8] {
        let upstream = try await setup.runtime.pipeline.forward.forward(prepared, model: model, context: context, principal: principal, limits: AttemptLimits())
        guard case .complete(let buffer) = upstream.body else { throw BenchFailure("expected a complete answer") }
        return Array(buffer.readableBytesView)
    }

    func measure(_ name: String, _ body: () async throws -> Void) async rethrows {
        for _ in 0..<min(200, iterations / 10) { try await body() }
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        let cpu0 = processCPUSeconds()
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let start = clock.now
            try await body()
            samples.append(Self.microseconds(clock.now - start))
        }
        table.add(name, samples: samples, cpuMicroseconds: (processCPUSeconds() - cpu0) / Double(iterations) * 1e6)
    }

    static func microseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
    }
}
