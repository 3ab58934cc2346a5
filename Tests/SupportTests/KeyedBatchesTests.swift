import Synchronization
import Testing

@testable import Support

@Suite struct KeyedBatchesTests {
    /// What the run function saw: batches per key, and whether two batches of one key ever overlapped.
    final class Journal: Sendable {
        struct State {
            var batches: [String: [[Int]]] = [:]
            var inFlight: [String: Int] = [:]
            var overlapped = false
            var keysAtOnce = 0
        }
        let state = Mutex(State())

        func begin(_ key: String, _ operations: [Int]) {
            state.withLock {
                $0.batches[key, default: []].append(operations)
                $0.inFlight[key, default: 0] += 1
                if $0.inFlight[key]! > 1 { $0.overlapped = true }
                $0.keysAtOnce = max($0.keysAtOnce, $0.inFlight.values.filter { $0 > 0 }.count)
            }
        }

        func end(_ key: String) { state.withLock { $0.inFlight[key]! -= 1 } }
    }

    @Test func operationsOnOneKeyAreBatchedOneBatchAtATimeInArrivalOrder() async throws {
        let journal = Journal()
        let batches = KeyedBatches<String, Int, Int, Int> { key, operations, _ in
            journal.begin(key, operations)
            try await Task.sleep(for: .milliseconds(5))
            journal.end(key)
            return operations.map { $0 * 10 }
        }
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for i in 0..<200 { group.addTask { (i, try await batches.submit("hot", i)) } }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        // Every operation got its own outcome.
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0.value == $0.key * 10 })
        let state = journal.state.withLock { $0 }
        #expect(!state.overlapped)
        let seen = state.batches["hot"] ?? []
        #expect(seen.flatMap { $0 }.sorted() == Array(0..<200))
        // 200 operations on a key busy for 5 ms per batch: far fewer batches than operations.
        #expect(seen.count < 50)
        #expect(seen.count > 1)
        #expect(batches.keysInFlight == 0)
    }

    @Test func aFailedBatchFailsOnlyItsOwnOperations() async throws {
        let calls = Mutex(0)
        let batches = KeyedBatches<String, Int, Int, Int> { _, operations, _ in
            let n = calls.withLock { $0 += 1; return $0 }
            if n == 1 { throw Failure() }
            return operations
        }
        await #expect(throws: Failure.self) { try await batches.submit("k", 1) }
        #expect(try await batches.submit("k", 2) == 2)
        #expect(batches.keysInFlight == 0)
    }

    @Test func differentKeysDoNotWaitForEachOther() async throws {
        let journal = Journal()
        let batches = KeyedBatches<String, Int, Int, Int> { key, operations, _ in
            journal.begin(key, operations)
            try await Task.sleep(for: .milliseconds(50))
            journal.end(key)
            return operations
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for k in ["a", "b", "c"] { group.addTask { try await batches.submit(k, 1) } }
            try await group.waitForAll()
        }
        #expect(journal.state.withLock { $0.keysAtOnce } == 3)
    }

    @Test func aBatchNeverHoldsMoreThanTheMaximum() async throws {
        let journal = Journal()
        let batches = KeyedBatches<String, Int, Int, Int>(maximumBatch: 7) { key, operations, _ in
            journal.begin(key, operations)
            try await Task.sleep(for: .milliseconds(5))
            journal.end(key)
            return operations
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<100 { group.addTask { try await batches.submit("k", i) } }
            try await group.waitForAll()
        }
        let sizes = journal.state.withLock { $0.batches["k"]!.map(\.count) }
        #expect(sizes.allSatisfy { $0 <= 7 })
        #expect(sizes.reduce(0, +) == 100)
    }

    @Test func theMemoIsKeptWhileTheKeyIsBusyAndForgottenWhenIdleOrAfterAFailure() async throws {
        // The memo counts the batches of one busy run; each batch returns what it found.
        let failNext = Mutex(false)
        let batches = KeyedBatches<String, Int, Int?, Int> { _, operations, memo in
            let found = memo
            memo = (memo ?? 0) + 1
            try await Task.sleep(for: .milliseconds(5))
            if failNext.withLock({ let f = $0; $0 = false; return f }) { throw Failure() }
            return operations.map { _ in found }
        }
        // Busy: 100 operations queue behind the first batch; later batches see the memo of earlier ones.
        let seen = try await withThrowingTaskGroup(of: Int?.self) { group in
            for i in 0..<100 { group.addTask { try await batches.submit("k", i) } }
            return try await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(seen.contains { $0 == nil })  // the first batch
        #expect(seen.contains { ($0 ?? 0) >= 1 })
        // Idle again: the next batch starts without a memo.
        #expect(try await batches.submit("k", 0) == nil)
        // A failed batch forgets it too.
        failNext.withLock { $0 = true }
        async let failed: Int?? = try? batches.submit("k", 0)
        try await Task.sleep(for: .milliseconds(1))
        async let after = batches.submit("k", 1)
        _ = await failed
        #expect(try await after == nil)
    }

    struct Failure: Error {}
}
