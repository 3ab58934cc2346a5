import Core
import Foundation
import Testing

@testable import Audit

@Suite struct CanonicalJSONTests {
    static func fullRecord() -> AuditRecord {
        var r = AuditRecord(
            requestID: "req-\"quoted\"/slash\\back\n\u{1}é😀", phase: .end, action: "chat.completions",
            principal: AuditPrincipal(
                issuer: "https://idp.example/", subject: "alice", kind: "user", groups: ["a", "b"], tenant: "acme", acr: "mfa",
                authenticationMethod: "jwt"),
            refusalReason: "none", clientIP: "2001:db8::1", route: "/v1/chat/completions", modelRequested: "gpt",
            modelServed: "gpt-2026", provider: "openai",
            decision: AuditDecision(effect: "allow", determiningPolicies: ["p1", "p2"], errors: ["e"], policySetHash: "h"),
            obligations: AppliedObligations(Obligations(
                guardrailProfile: "strict", maxTokens: 100, redact: ["pii", "secret"], pseudonymise: ["pii.email"],
                allowedTools: ["search"], cacheScope: .tenant, requestsPerMinute: 5, tokensPerMinute: 1000)),
            findings: AuditFinding.summarise([
                Finding(detector: "d", category: "pii.email", start: 1, end: 5, score: 0.9, messageIndex: 2),
                Finding(detector: "d", category: "pii.email", start: 9, end: 12, score: 0.9, direction: .response),
            ]),
            status: 200, usage: TokenUsage(inputTokens: 10, outputTokens: 20), cost: 0.00042, currency: "SGD",
            latency: AuditLatency(gatewayOverheadMs: 1.25, upstreamMs: 120, timeToFirstTokenMs: 3e-7, totalMs: 121.25),
            cacheHit: false, streamedBytes: 4096, outcome: .allowed)
        r.sequence = 42
        r.purpose = "summarise"
        r.dataClassification = "internal"
        r.time = Date(timeIntervalSince1970: 1_764_000_000.123)
        r.content = CapturedContent(
            mode: .encrypted, requestSHA256: "a", responseSHA256: "b", requestBytes: 1, responseBytes: 2, contentSHA256: "c", keyID: "k")
        return r
    }

    @Test func everyFieldRoundTripsThroughTheDecodableRecord() throws {
        let r = Self.fullRecord()
        let bytes = CanonicalRecordWriter.encode(r, time: CanonicalEncoding.timeStyle.format(r.time))
        #expect(bytes == r.canonical(time: CanonicalEncoding.timeStyle.format(r.time)).serialized())
        var back = try CanonicalEncoding.decoder().decode(AuditRecord.self, from: Data(bytes))
        #expect(abs(back.time.timeIntervalSince(r.time)) < 0.001)  // milliseconds are kept
        back.time = r.time
        #expect(back == r)
        // Same document as Foundation's encoder produces (value for value).
        let foundation = try CanonicalEncoding.encoder().encode(r)
        let a = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        let b = try JSONDecoder().decode(JSONValue.self, from: foundation)
        #expect(a == b)
    }

    @Test func outputIsSortedCompactAndEscapedMinimally() {
        let bytes = (["b": 1, "a": ["y": "/é\"\n\u{1}", "x": 2.5], "B": .null, "c": [true, .number(.infinity)]] as JSONValue).serialized()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"B":null,"a":{"x":2.5,"y":"/é\"\n\u0001"},"b":1,"c":[true,null]}"#)
    }

    @Test func recordsWithoutOptionalsOmitThem() throws {
        var r = AuditRecord(requestID: "r", trailID: "t", phase: .begin, action: "embeddings")
        r.sequence = 1
        let text = String(decoding: CanonicalRecordWriter.encode(r, time: "2026-01-01T00:00:00.000Z"), as: UTF8.self)
        #expect(Array(text.utf8) == r.canonical(time: "2026-01-01T00:00:00.000Z").serialized())
        #expect(text == #"{"action":"embeddings","findings":[],"phase":"begin","request_id":"r","sequence":1,"time":"2026-01-01T00:00:00.000Z","trail_id":"t"}"#)
    }

    /// Every combination of present and absent optionals, odd strings and numbers: the record writer and
    /// the reference tree encoding agree byte for byte.
    @Test func recordWriterMatchesTheReferenceEncodingForAnyRecord() {
        var rng = SystemRandomNumberGenerator()
        let texts = ["", "plain", "q\"uote", "back\\slash", "nl\ncr\rtab\t", "\u{0}\u{1f}\u{7f}", "é😀/", "日本語"]
        func text() -> String { texts.randomElement(using: &rng)! + texts.randomElement(using: &rng)! }
        func maybe<T>(_ v: @autoclosure () -> T) -> T? { Bool.random(using: &rng) ? v() : nil }
        let numbers: [Double] = [0, -0.5, 1e-9, 123456.789, 3e21, .infinity, .nan, 42]
        for _ in 0..<500 {
            var r = AuditRecord(
                requestID: text(), trailID: text(), phase: AuditRecord.Phase.allCases.randomElement(using: &rng)!, action: text(),
                principal: maybe(AuditPrincipal(
                    issuer: text(), subject: text(), kind: text(), groups: (0..<Int.random(in: 0...3, using: &rng)).map { _ in text() },
                    tenant: maybe(text()), acr: maybe(text()), authenticationMethod: maybe(text()))),
                refusalReason: maybe(text()), clientIP: maybe(text()), route: maybe(text()), modelRequested: maybe(text()),
                modelServed: maybe(text()), provider: maybe(text()),
                decision: maybe(AuditDecision(effect: text(), determiningPolicies: [text()], errors: maybe([text(), text()]) ?? [], policySetHash: text())),
                obligations: maybe(AppliedObligations(Obligations(
                    guardrailProfile: maybe(text()).map { GuardrailProfileName($0) }, maxTokens: maybe(Int.random(in: -5...5000, using: &rng)), redact: maybe([text()]) ?? [],
                    pseudonymise: maybe([text()]) ?? [], allowedTools: maybe(Set([text()])), cacheScope: maybe(CacheScope.allCases.randomElement(using: &rng)!),
                    requestsPerMinute: maybe(7), tokensPerMinute: maybe(Int.max), callsPerDay: maybe(40),
                    allowedArguments: maybe(Set([text(), text()]))))),
                findings: maybe(AuditFinding.summarise([
                    Finding(detector: text(), category: text(), start: 1, end: 5, score: 0.9, messageIndex: maybe(3)),
                    Finding(detector: "d", category: "pii.email", start: 9, end: 12, score: 0.5, direction: .response),
                ])) ?? [],
                status: maybe(Int.random(in: 100...599, using: &rng)), usage: maybe(TokenUsage(inputTokens: 3, outputTokens: Int.min)),
                cost: maybe(numbers.randomElement(using: &rng)!), currency: maybe(text()),
                latency: maybe(AuditLatency(gatewayOverheadMs: maybe(numbers.randomElement(using: &rng)!), upstreamMs: maybe(1.5),
                                            timeToFirstTokenMs: maybe(2e-7), totalMs: maybe(.infinity))),
                cacheHit: maybe(Bool.random(using: &rng)), streamedBytes: maybe(Int.random(in: 0...1 << 40, using: &rng)),
                outcome: maybe(AuditRecord.Outcome.allCases.randomElement(using: &rng)!))
            r.sequence = Int.random(in: 1...Int.max, using: &rng)
            r.purpose = maybe(text())
            r.dataClassification = maybe(text())
            r.droppedAnswerFields = maybe([text(), text()])
            r.attempts = maybe([
                AuditAttempt(provider: text(), upstreamModel: text(), outcome: text(), status: maybe(503), durationMs: maybe(numbers.randomElement(using: &rng)!),
                             policies: maybe([text()])),
                AuditAttempt(provider: text(), upstreamModel: text(), outcome: "served", requestSHA256: maybe(text())),
            ])
            r.mcp = maybe({
                var m = AuditMCPCall(server: text(), method: text())
                m.name = maybe(text())
                m.protocolVersion = maybe(text())
                m.session = maybe(text())
                m.definitionSHA256 = maybe(text())
                m.argumentsSHA256 = maybe(text())
                m.resultSHA256 = maybe(text())
                m.integrity = maybe([AuditMCPCall.IntegrityEvent(tool: text(), event: text(), pinnedSHA256: maybe(text()), seenSHA256: maybe(text()))])
                return m
            }())
            r.content = maybe(CapturedContent(
                mode: ContentMode.allCases.randomElement(using: &rng)!, requestSHA256: maybe(text()), responseSHA256: maybe(text()),
                requestBytes: maybe(1), responseBytes: maybe(2), contentSHA256: maybe(text()), keyID: maybe(text())))
            let time = text()
            let written = CanonicalRecordWriter.encode(r, time: time)
            let reference = r.canonical(time: time).serialized()
            #expect(written == reference, "\(String(decoding: written, as: UTF8.self))")
            if written != reference { return }
        }
    }
}
