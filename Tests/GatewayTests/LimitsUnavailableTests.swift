import AsyncHTTPClient
import Audit
import Core
import Foundation
import Limits
import Providers
import Testing
@testable import Gateway

/// A budget store that cannot answer.
private final class UnreachableBudgetStore: BudgetStore {
    struct Down: Error {}
    func reserve(_ targets: [BudgetTarget], amount: Int64) async throws -> BudgetTarget? { throw Down() }
    func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64) async throws { throw Down() }
    func release(_ targets: [BudgetTarget], reserved: Int64) async throws { throw Down() }
    func account(_ key: LedgerKey) async throws -> Account { throw Down() }
    func forgetEnded(currentDay: Int64, currentMonth: Int64) async throws { throw Down() }
}

/// When the store behind the limits cannot answer, a call is refused as a control that is unavailable (503
/// `control_unavailable`, audited so) and nothing reaches the provider.
@Suite struct LimitsUnavailableTests {
    @Test func aBudgetStoreThatCannotAnswerRefusesTheCallWith503() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-limits-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try SQLiteAuditStore(path: dir + "/audit.sqlite")
        let audit = try await AuditTrail.open(configuration: AuditConfiguration(path: dir + "/audit.sqlite"), store: store)
        let metrics = GatewayMetrics()
        let control = AdmissionControl(
            configuration: LimitsConfiguration(budgets: [try BudgetRule(scope: .principal, daily: 10)]), clock: SystemClock(),
            buckets: InMemoryRateLimitStore(maxKeys: 100), budgets: UnreachableBudgetStore())
        let cache = AnswerCache(configuration: CacheConfiguration(enabled: true))
        metrics.watch(control, cache: cache)

        let log = StepLog()
        let stages = FakeStages(log: log)
        let provider = try ProviderClient(name: "p", configuration: .init(kind: .openai, baseURL: "http://127.0.0.1:1/v1"), httpClient: HTTPClient.shared)
        let pipeline = Pipeline(
            authenticate: stages, inspectRequest: stages, decide: stages, admit: LimitsStage(control: control, cache: cache),
            applyObligations: stages, forward: stages, inspectAnswer: stages,
            record: AuditStage(trail: audit, failOpen: false, metrics: metrics, logger: .init(label: "t")),
            models: ProviderRegistry(clients: ["p": provider], models: [ModelDescriptor(name: "m", provider: "p", upstreamModel: "m")]),
            metrics: metrics)

        let answer = await pipeline.handle(IncomingCall(
            operation: .chatCompletions, body: .bytes(PipelineOrderTests.body), credentials: Credentials(authorization: "Bearer t"),
            context: .init(requestID: "limits-down", route: "/v1/chat/completions")))

        #expect(answer.status == 503)
        guard case .bytes(let bytes) = answer.body else {
            Issue.record("expected a complete body")
            return
        }
        let error = try #require(try JSONParser.parse(bytes)["error"])
        #expect(error["code"]?.stringValue == "control_unavailable")
        #expect(error["message"]?.stringValue?.contains("limits") == true)
        #expect(answer.headers.contains { $0.0 == "retry-after" })
        #expect(!log.all.contains("forward"))
        #expect(control.openAdmissions == 0)

        let records = try await store.records(requestID: "limits-down")
        #expect(records.map(\.outcome) == ["control_unavailable"])
        #expect(records.map(\.phase) == ["complete"])

        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("portcullis_limits_store_failures_total \(control.storeFailures)"))
        #expect(control.storeFailures >= 1)
        #expect(exposition.contains("portcullis_cache_store_failures_total 0"))
        await audit.close()
    }
}
