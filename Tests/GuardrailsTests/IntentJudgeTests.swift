import Core
import Foundation
import Synchronization
import Testing
@testable import Guardrails

@Suite("Intent external judge")
struct IntentJudgeTests {
    final class Recorder: Sendable {
        let calls = Mutex<[(url: String, headers: [(String, String)], body: [UInt8])]>([])
    }

    func judge(
        _ kind: ExternalJudgeConfiguration.Kind = .moderation, fail: ExternalJudgeConfiguration.FailMode = .closed,
        timeoutMs: Int = 200, key: String? = nil, recorder: Recorder = Recorder(),
        answer: @escaping @Sendable () async throws -> (Int, String)
    ) throws -> ExternalJudge {
        let config = ExternalJudgeConfiguration(
            url: "http://judge.local/v1/moderations", kind: kind, apiKey: try key.map { try SecretReference($0) },
            timeoutMilliseconds: timeoutMs, fail: fail)
        return try ExternalJudge(
            configuration: config,
            transport: { url, headers, body, _ in
                recorder.calls.withLock { $0.append((url, headers, body)) }
                let (status, text) = try await answer()
                return (status, Array(text.utf8))
            }, environment: ["JUDGE_KEY": "sk-test-123"])
    }

    @Test func failsClosedOnTimeout() async throws {
        // The transport would answer "not flagged" after an hour; the judge must not wait for it.
        let j = try judge(timeoutMs: 50) {
            try await Task.sleep(for: .seconds(3600))
            return (200, #"{"results":[{"flagged":false}]}"#)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let result = await j.evaluate("hello")
        // Generous: parallel suites compile scanner databases meanwhile, which can hold both cooperative
        // threads of a 2-core machine for a minute or more; what matters is that the answer was not awaited.
        #expect(clock.now - start < .seconds(600))
        #expect(result.failure == "judge timed out")
        #expect(result.findings.map(\.category) == ["harmful.unverified"])
        #expect(result.findings.first?.detector == "judge.unavailable")
    }

    @Test func failsOpenWhenConfigured() async throws {
        let j = try judge(fail: .open, timeoutMs: 50) {
            try await Task.sleep(for: .seconds(10))
            return (200, "{}")
        }
        let result = await j.evaluate("hello")
        #expect(result.findings.isEmpty)
        #expect(result.failure == "judge timed out")
    }

    @Test func httpErrorsAndGarbageFailClosed() async throws {
        let e500 = await (try judge { (500, "oops") }).evaluate("x")
        #expect(e500.failure == "judge answered HTTP 500")
        #expect(e500.findings.map(\.category) == ["harmful.unverified"])
        let garbage = await (try judge { (200, "not json") }).evaluate("x")
        #expect(garbage.failure == "judge answer unreadable")
        #expect(garbage.findings.count == 1)
        struct Down: Error {}
        let down = await (try judge { throw Down() }).evaluate("x")
        #expect(down.failure == "transport error")
        #expect(down.findings.count == 1)
    }

    @Test func moderationCategoriesMapToHarmfulKinds() async throws {
        let recorder = Recorder()
        let j = try judge(key: "env:JUDGE_KEY", recorder: recorder) {
            (200, #"{"results":[{"flagged":true,"categories":{"self-harm/intent":true,"violence":false,"sexual/minors":true}}]}"#)
        }
        let result = await j.evaluate("some text")
        #expect(result.failure == nil)
        #expect(Set(result.findings.map(\.category)) == ["harmful.self_harm", "harmful.sexual_minors"])
        #expect(result.findings.allSatisfy { $0.detector == "judge.moderation" && $0.start == 0 && $0.end == 9 })
        let call = recorder.calls.withLock { $0.first }
        #expect(call?.headers.contains { $0.0 == "authorization" && $0.1 == "Bearer sk-test-123" } == true)
        let body = try JSONSerialization.jsonObject(with: Data(call?.body ?? [])) as? [String: Any]
        #expect(body?["input"] as? String == "some text")
    }

    @Test func unflaggedModerationIsClean() async throws {
        let result = await (try judge { (200, #"{"results":[{"flagged":false,"categories":{}}]}"#) }).evaluate("hi")
        #expect(result.findings.isEmpty)
        #expect(result.failure == nil)
    }

    @Test func llamaGuardVerdicts() async throws {
        let unsafe = await (try judge(.chat) { (200, #"{"choices":[{"message":{"content":"unsafe\nS1,S14"}}]}"#) }).evaluate("x")
        #expect(unsafe.findings.map(\.category) == ["harmful.weapons", "harmful.malware"])
        #expect(unsafe.findings.first?.detector == "judge.chat")
        let safe = await (try judge(.chat) { (200, #"{"choices":[{"message":{"content":" safe"}}]}"#) }).evaluate("x")
        #expect(safe.findings.isEmpty)
    }

    @Test func missingKeyIsAnErrorAtConstruction() {
        #expect(throws: SecretReference.Failure.self) {
            _ = try ExternalJudge(
                configuration: .init(url: "http://j/v1/moderations", apiKey: try SecretReference("env:NOPE")),
                transport: { _, _, _, _ in (200, []) }, environment: [:])
        }
    }
}
