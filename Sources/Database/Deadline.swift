import Synchronization

/// Runs `operation` with a deadline: returns its result, or throws `DatabaseUnavailable` once `seconds` have
/// passed — at once, even when the operation itself cannot be interrupted (a statement on a connection whose
/// peer vanished); the operation is cancelled and finishes on its own in the background. A structured task
/// group would wait for it, which is what a deadline must not do.
func withDeadline<T: Sendable>(
    seconds: Double, what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation)
            let work = Task { do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) } }
            let clock = Task {
                guard (try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))) != nil else { return }
                race.finish(.failure(DatabaseUnavailable(reason: "\(what) timed out after \(seconds)s")))
                work.cancel()
            }
            race.track(work: work, clock: clock)
        }
    } onCancel: {
        race.cancel()
    }
}

/// The state of one `withDeadline`: whichever of the operation and the clock finishes first resumes the caller.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var finished = false
        var work: Task<Void, Never>?
        var clock: Task<Void, Never>?
    }
    private let state = Mutex(State())

    func start(_ c: CheckedContinuation<T, any Error>) { state.withLock { $0.continuation = c } }

    func track(work: Task<Void, Never>, clock: Task<Void, Never>) {
        let done = state.withLock { s -> Bool in
            s.work = work
            s.clock = clock
            return s.finished
        }
        if done { clock.cancel() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (c, clock) = state.withLock { s -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?) in
            guard !s.finished else { return (nil, nil) }
            s.finished = true
            defer { s.continuation = nil }
            return (s.continuation, s.clock)
        }
        clock?.cancel()
        c?.resume(with: result)
    }

    func cancel() {
        let work = state.withLock { $0.work }
        work?.cancel()
    }
}
