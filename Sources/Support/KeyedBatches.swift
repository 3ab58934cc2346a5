import Synchronization

/// Group commit per key: operations on the same key are run in batches, one batch per key in flight at a
/// time. The first operation on an idle key starts a batch at once; those that arrive while it runs wait and
/// go together in the next one. Under load a hot key thus costs one round of work per batch instead of one per
/// operation (the shared rate-limit buckets and budget accounts: one read and one conditional write for every
/// operation queued on a row), and an idle key adds no delay.
///
/// `run` gets the key and the operations in arrival order and returns one outcome per operation, in the same
/// order; a throw fails the whole batch (every operation in it gets the error). It also gets a memo it may
/// keep between consecutive batches of the key (nil for the first batch after the key was idle, and after a
/// throw): the shared stores keep the row as they last wrote it, so the next batch can write without reading
/// first. Operations on different keys never wait for each other. Written by hand: neither the standard
/// library nor our dependencies have a keyed combining queue.
public final class KeyedBatches<Key: Hashable & Sendable, Operation: Sendable, Outcome: Sendable, Memo: Sendable>: Sendable {
    public typealias Run = @Sendable (_ key: Key, _ operations: [Operation], _ memo: inout Memo?) async throws -> [Outcome]
    private typealias Waiting = (operation: Operation, done: CheckedContinuation<Outcome, any Error>)

    /// A key is present while a batch for it is in flight; its value is what waits for the next batch.
    private let queues = Mutex<[Key: [Waiting]]>([:])
    private let run: Run
    /// The most operations in one batch (a bound on a statement's size); the rest wait for the next.
    private let limit: Int

    public init(maximumBatch: Int = 256, _ run: @escaping Run) {
        precondition(maximumBatch > 0)
        self.run = run
        self.limit = maximumBatch
    }

    /// Runs `operation` in the next batch for `key` and returns its outcome.
    public func submit(_ key: Key, _ operation: Operation) async throws -> Outcome {
        try await withCheckedThrowingContinuation { done in
            let leads = queues.withLock { queues -> Bool in
                if queues[key] != nil {
                    queues[key]!.append((operation, done))
                    return false
                }
                queues[key] = []
                return true
            }
            guard leads else { return }
            Task { await self.drain(key, first: [(operation, done)]) }
        }
    }

    private func drain(_ key: Key, first: [Waiting]) async {
        var batch = first
        var memo: Memo?
        while !batch.isEmpty {
            do {
                let outcomes = try await run(key, batch.map(\.operation), &memo)
                precondition(outcomes.count == batch.count, "a batch returns one outcome per operation")
                for (item, outcome) in zip(batch, outcomes) { item.done.resume(returning: outcome) }
            } catch {
                memo = nil
                for item in batch { item.done.resume(throwing: error) }
            }
            batch = queues.withLock { queues -> [Waiting] in
                guard var waiting = queues[key], !waiting.isEmpty else {
                    queues[key] = nil
                    return []
                }
                let next = Array(waiting.prefix(limit))
                waiting.removeFirst(next.count)
                queues[key] = waiting
                return next
            }
        }
    }

    /// Keys with a batch in flight (for tests and introspection).
    public var keysInFlight: Int { queues.withLock { $0.count } }
}
