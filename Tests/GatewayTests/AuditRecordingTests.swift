import Audit
import Core
import Foundation
import Limits
import Testing
@testable import Gateway

/// What the gateway's recorder puts in audit records: the settled cost (the same amount the budget
/// ledger settles), its currency, and redacted copies that keep no finding.
@Suite struct AuditRecordingTests {
    static let model = ModelDescriptor(
        name: "priced", provider: "p", upstreamModel: "u", inputPricePerMillion: 2.5, outputPricePerMillion: 10.000_001)
    static let alice = Principal(issuer: "https://idp", subject: "alice", kind: .user)

    static func trail(usage: TokenUsage?, cacheHit: Bool = false, model: ModelDescriptor? = model) -> RequestTrail {
        var t = RequestTrail(context: RequestContext(requestID: "r", route: "/v1/chat/completions"))
        t.usage = usage
        t.cacheHit = cacheHit
        t.model = model
        return t
    }

    @Test(arguments: [(0, 0), (1, 0), (0, 1), (1, 1), (12, 30), (999_999, 1), (123_456, 654_321)])
    func costIsWhatTheBudgetLedgerSettles(input: Int, output: Int) async throws {
        let control = AdmissionControl(configuration: LimitsConfiguration(budgets: [try BudgetRule(scope: .principal, daily: 1_000_000)]))
        let admission = try await control.admit(
            principal: Self.alice, model: Self.model, estimatedInputTokens: input, maxTokens: 1, obligations: .none, chargeBudget: true)
        let usage = TokenUsage(inputTokens: input, outputTokens: output)
        await control.settle(admission, usage: usage)
        let spent = try #require(try await control.usage(for: Self.alice).budgets.first).spent
        #expect(Self.trail(usage: usage).cost == spent)
    }

    @Test func cacheHitsCostNothingAndUnsettledCallsHaveNoCost() {
        #expect(Self.trail(usage: TokenUsage(inputTokens: 10, outputTokens: 10), cacheHit: true).cost == 0)
        #expect(Self.trail(usage: nil).cost == nil)
        #expect(Self.trail(usage: TokenUsage(inputTokens: 10), model: nil).cost == nil)
        let free = ModelDescriptor(name: "free", provider: "p", upstreamModel: "u")
        #expect(Self.trail(usage: TokenUsage(inputTokens: 10, outputTokens: 10), model: free).cost == 0)
    }

    @Test func theRecordCarriesCostCurrencyAndItsOwnTrailID() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-audit-\(UUID().uuidString)").path
        let audit = try await AuditTrail.open(configuration: AuditConfiguration(path: dir + "/audit.sqlite"))
        let stage = AuditStage(trail: audit, failOpen: false, metrics: GatewayMetrics(), logger: .init(label: "t"), currency: "SGD")
        var t = Self.trail(usage: TokenUsage(inputTokens: 1_000_000, outputTokens: 0))
        t.outcome = .allowed
        let end = stage.record(t, phase: .end)
        #expect(end.cost == 2.5)
        #expect(end.currency == "SGD")
        #expect(end.trailID == t.trailID && end.requestID == "r")
        #expect(stage.record(t, phase: .begin).cost == nil)  // settled only at the end
        let refused = stage.record(Self.trail(usage: nil), phase: .complete)
        #expect(refused.cost == nil && refused.currency == nil)
        #expect(RequestTrail(context: t.context).trailID != t.trailID)  // one trail per request, same client id
        await audit.close()
    }

    @Test(arguments: [(ContentMode.none, AnswerCapture.none), (.hash, .digest), (.redacted, .providerAnswer)])
    func theRelayCollectsOnlyWhatTheContentModeKeeps(mode: ContentMode, capture: AnswerCapture) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-capture-\(UUID().uuidString)").path
        let audit = try await AuditTrail.open(configuration: AuditConfiguration(path: dir + "/audit.sqlite", content: mode))
        let stage = AuditStage(trail: audit, failOpen: false, metrics: GatewayMetrics(), logger: .init(label: "t"))
        #expect(stage.answerCapture == capture)
        // A digest handed in stands for the delivered body in `hash` mode, and is never stored as given.
        var t = Self.trail(usage: TokenUsage(inputTokens: 1, outputTokens: 1))
        t.answerDigest = ContentDigest(sha256Hex: String(repeating: "ab", count: 32), bytes: 12)
        let end = stage.record(t, phase: .end)
        #expect(end.responseDigest == (mode == .redacted ? nil : t.answerDigest))
        await audit.close()
    }

    @Test func redactionReplacesTheUnionOfOverlappingSpans() {
        func f(_ s: Int, _ e: Int, _ c: String) -> Finding { Finding(detector: c, category: c, start: s, end: e, score: 1) }
        let text = "mail jane@x.io key AKIA1234 é😀 end"
        #expect(RedactedContent.redact(text, [f(5, 14, "pii.email")]) == "mail [REDACTED:pii.email] key AKIA1234 é😀 end")
        // Overlapping spans: no tail of the longer match survives.
        #expect(RedactedContent.redact(text, [f(19, 23, "secret.a"), f(15, 27, "secret.b")])
            == "mail jane@x.io [REDACTED:secret.a,secret.b] é😀 end")
        // Offsets are Unicode scalars; out-of-range spans are clamped, empty ones ignored.
        #expect(RedactedContent.redact(text, [f(28, 30, "pii.x"), f(3, 3, "none"), f(31, 99, "pii.y")])
            == "mail jane@x.io key AKIA1234 [REDACTED:pii.x] [REDACTED:pii.y]")
    }
}
