import Core
import Foundation
import Gateway

/// The whole pipeline (`Pipeline.handle`), one caller at a time and with concurrent callers; and the
/// forward step alone with the same concurrency, whose CPU (HTTP client + the in-process mock) is
/// subtracted to leave what the gateway's controls cost per request.
struct WholeRuns {
    let setup: BenchSetup
    let iterations: Int
    let concurrency: Int
    let wholeOnly: Bool
    let table: StepTable

    func run() async throws {
        let pipeline = setup.runtime.pipeline
        let steps = StepRuns(setup: setup, iterations: iterations, table: table)
        if !wholeOnly {
        try await steps.measure("whole pipeline, 1 caller") {
            let answer = await pipeline.handle(setup.call())
            guard answer.status == 200 else { throw BenchFailure("pipeline answered \(answer.status)") }
        }
        }
        let whole = try await concurrent { _ = await pipeline.handle(setup.call()) }
        let call = setup.call()
        let principal = try await pipeline.authenticate.authenticate(call.credentials, context: call.context)
        let request = try pipeline.understand.understand(operation: call.operation, body: BenchBody.chat, purpose: call.purpose, classification: call.classification)
        let (model, _) = try pipeline.models.route(request.model)
        let prepared = PreparedRequest(request: request, obligations: Obligations())
        let forwardOnly = try await concurrent {
            _ = try await steps.forwardOnce(prepared, model: model, principal: principal, context: call.context)
        }
        var trail = RequestTrail(context: call.context)
        trail.operation = call.operation
        trail.principal = principal
        trail.requestBody = BenchBody.chat
        let record = pipeline.record
        let recorded = trail
        let audited = try await concurrent {
            try await record.begin(recorded)
            await record.end(recorded)
        }
        table.note(String(format: "audit begin + end alone, %d callers: %.0f pairs/s, %.0f µs CPU per pair", concurrency, audited.rate, audited.cpu))
        table.note(String(format: "whole pipeline, %d callers: %.0f req/s, %.0f µs CPU per request", concurrency, whole.rate, whole.cpu))
        table.note(String(format: "forward only (HTTP client + mock in process), %d callers: %.0f req/s, %.0f µs CPU per request", concurrency, forwardOnly.rate, forwardOnly.cpu))
        table.note(String(format: "the gateway's own work per request (difference): %.0f µs CPU", whole.cpu - forwardOnly.cpu))
    }

    /// `iterations` calls spread over `concurrency` tasks: requests per second and CPU µs per request.
    func concurrent(_ body: @escaping @Sendable () async throws -> Void) async throws -> (rate: Double, cpu: Double) {
        let per = max(1, iterations / concurrency)
        let cpu0 = processCPUSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask { for _ in 0..<per { try await body() } }
            }
            try await group.waitForAll()
        }
        let seconds = StepRuns.microseconds(clock.now - start) / 1e6
        let n = Double(per * concurrency)
        return (n / seconds, (processCPUSeconds() - cpu0) / n * 1e6)
    }
}
