import AsyncHTTPClient
import Core
import Limits
import Foundation
import NIOCore
import Providers
import Synchronization
import Testing
@testable import Gateway

/// Fake stages that write their step name to a shared log, so the order the pipeline runs them in
/// (DESIGN.md) is observable; each can be told to refuse.
final class StepLog: Sendable {
    let steps = Mutex<[String]>([])
    func add(_ s: String) { steps.withLock { $0.append(s) } }
    var all: [String] { steps.withLock { $0 } }
}

struct FakeStages: Authenticating, RequestInspecting, Deciding, Admitting, ObligationApplying, Forwarding, AnswerInspecting, Recording {
    let log: StepLog
    var failAuth = false
    var deny = false
    var answer = #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#
    /// What request inspection reports.
    var findings: [Finding] = []
    /// When set, the provider answers with these SSE bytes as a stream instead of `answer`.
    var stream: String?

    func authenticate(_ credentials: Credentials, context: Core.RequestContext) async throws(GatewayError) -> Principal {
        log.add("authenticate")
        if failAuth { throw .unauthenticated(description: "token expired") }
        return Principal(issuer: "https://idp", subject: "alice", kind: .user)
    }
    func inspect(_ request: AIRequest) async throws(GatewayError) -> [Finding] { log.add("inspect_request"); return findings }
    func decide(_ query: PolicyQuery) async -> Decision {
        log.add("decide")
        return Decision(effect: deny ? .deny : .allow, determiningPolicies: [deny ? "forbid-1" : "permit-1"])
    }
    func admit(_ request: AIRequest, model: ModelDescriptor, principal: Principal, obligations: Obligations, cacheControl: String?) async throws(GatewayError) -> Admission {
        log.add("admit"); return Admission(effectiveMaxTokens: 256)
    }
    func settle(_ admission: Admission, usage: TokenUsage?) async { log.add("settle") }
    func store(_ admission: Admission, answer: CachedAnswer) async { log.add("cache_store") }
    func apply(_ request: AIRequest, findings: [Finding], decision: Decision, admission: Admission) throws(GatewayError) -> PreparedRequest {
        log.add("apply_obligations"); return PreparedRequest(request: request, obligations: decision.obligations)
    }
    func forward(_ request: PreparedRequest, model: ModelDescriptor, context: Core.RequestContext, principal: Principal, limits: AttemptLimits) async throws(GatewayError) -> UpstreamResponse {
        log.add("forward")
        if let stream {
            return UpstreamResponse(status: 200, headers: [("content-type", "text/event-stream")], body: .streaming(.chunks([ByteBuffer(string: stream)])))
        }
        return UpstreamResponse(status: 200, headers: [("content-type", "application/json")], body: .complete(ByteBuffer(string: answer)))
    }
    func makeFilter(for request: PreparedRequest) -> any AnswerTextFilter { log.add("inspect_response"); return PassThroughFilter() }
    func begin(_ trail: RequestTrail) async throws(GatewayError) { log.add("record_begin") }
    func end(_ trail: RequestTrail) async { log.add("record_end:\(trail.outcome.rawValue)") }
    func complete(_ trail: RequestTrail) async { log.add("record_complete:\(trail.outcome.rawValue)") }
}

@Suite struct PipelineOrderTests {
    static let body = Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8)

    func pipeline(_ stages: FakeStages) throws -> (Pipeline, HTTPClient) {
        let client = HTTPClient.shared
        let provider = try ProviderClient(name: "p", configuration: .init(kind: .openai, baseURL: "http://127.0.0.1:1/v1"), httpClient: client)
        let registry = ProviderRegistry(clients: ["p": provider], models: [ModelDescriptor(name: "m", provider: "p", upstreamModel: "m")])
        return (Pipeline(authenticate: stages, inspectRequest: stages, decide: stages, admit: stages, applyObligations: stages,
                         forward: stages, inspectAnswer: stages, record: stages, models: registry, metrics: GatewayMetrics()), client)
    }

    func call(_ body: [UInt8] = body) -> IncomingCall {
        IncomingCall(operation: .chatCompletions, body: .bytes(body), credentials: Credentials(authorization: "Bearer t"), context: .init(requestID: "r1", route: "/v1/chat/completions"))
    }

    @Test func stepsRunInDesignOrder() async throws {
        let log = StepLog()
        let (p, client) = try pipeline(FakeStages(log: log))
        let answer = await p.handle(call())
        #expect(answer.status == 200)
        // The end record is written while the answer goes out: wait for it, then check the whole order.
        for _ in 0..<500 where !log.all.contains(where: { $0.hasPrefix("record_end") }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(log.all == [
            "authenticate", "inspect_request", "decide", "admit", "apply_obligations", "record_begin", "forward",
            "inspect_response", "settle", "cache_store", "record_end:allowed",
        ])
    }

    @Test func unauthenticatedStopsBeforeAnyOtherWork() async throws {
        let log = StepLog()
        let (p, client) = try pipeline(FakeStages(log: log, failAuth: true))
        let answer = await p.handle(call())
        #expect(answer.status == 401)
        #expect(log.all == ["authenticate", "record_complete:refused_auth"])
        #expect(answer.headers.contains { $0.0 == "www-authenticate" })
    }

    @Test func denyNeverForwards() async throws {
        let log = StepLog()
        let (p, client) = try pipeline(FakeStages(log: log, deny: true))
        let answer = await p.handle(call())
        #expect(answer.status == 403)
        #expect(log.all == ["authenticate", "inspect_request", "decide", "record_complete:refused_policy"])
        guard case .bytes(let bytes) = answer.body else { Issue.record("expected bytes"); return }
        #expect(String(decoding: bytes, as: UTF8.self).contains("forbid-1"))
    }

    @Test func malformedJSONIs400NamingTheProblem() async throws {
        let log = StepLog()
        let (p, client) = try pipeline(FakeStages(log: log))
        for (body, expected) in [
            (Array("{\"model\":".utf8), "not valid JSON"),
            (Array("[1]".utf8), "must be a JSON object"),
            (Array(#"{"messages":[]}"#.utf8), "'model' must be a non-empty model name"),
            (Array(#"{"model":"m","messages":[{"role":"wizard","content":"x"}]}"#.utf8), "messages[0].role"),
            (Array(#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":-1}"#.utf8), "'max_tokens' must be a positive integer"),
        ] {
            let answer = await p.handle(call(body))
            #expect(answer.status == 400)
            guard case .bytes(let b) = answer.body else { continue }
            #expect(String(decoding: b, as: UTF8.self).contains(expected), "body for \(String(decoding: body, as: UTF8.self))")
        }
        #expect(!log.all.contains("forward"))
    }

    @Test func unknownModelIs404AfterAuthentication() async throws {
        let log = StepLog()
        let (p, client) = try pipeline(FakeStages(log: log))
        let answer = await p.handle(call(Array(#"{"model":"nope","messages":[{"role":"user","content":"x"}]}"#.utf8)))
        #expect(answer.status == 404)
        #expect(log.all.first == "authenticate")
        #expect(!log.all.contains("forward"))
    }
}
