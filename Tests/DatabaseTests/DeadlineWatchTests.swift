import Synchronization
import Testing

@testable import Database

@Suite struct DeadlineWatchTests {
    @Test func anOperationThatDoesNotReturnIsAbandonedAtItsDeadline() async throws {
        let watch = DeadlineWatch()
        let finished = Atomic(false)
        let error = await #expect(throws: DatabaseUnavailable.self) {
            try await watch.run(seconds: 0.2, what: "stuck statement") {
                // Ignores cancellation, like a statement on a connection whose peer vanished.
                let started = ContinuousClock.now
                while ContinuousClock.now - started < .seconds(3) { try? await Task.sleep(for: .milliseconds(50)) }
                finished.store(true, ordering: .relaxed)
                return 1
            }
        }
        #expect(error?.reason == "stuck statement timed out after 0.2s")
        let finishedAtReturn = finished.load(ordering: .relaxed)
        #expect(!finishedAtReturn)
    }

    @Test func resultsAndErrorsBeforeTheDeadlinePassThrough() async throws {
        let watch = DeadlineWatch()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<200 { group.addTask { try await watch.run(seconds: 5, what: "quick") { i } } }
            return try await group.reduce(0, +)
        }
        #expect(values == (0..<200).reduce(0, +))
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await watch.run(seconds: 5, what: "refused") { () async throws -> Int in throw Refused() } }
    }
}
