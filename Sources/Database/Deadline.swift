import Synchronization

/// Deadlines for database statements: `run` returns an operation's result, or throws `DatabaseUnavailable` once
/// its deadline has passed — at once, even when the operation itself cannot be interrupted (a statement on a
/// connection whose peer vanished); the operation is cancelled and finishes on its own in the background. A
/// structured task group would wait for it, which is what a deadline must not do.
///
/// One watch serves every statement of a pool: a single task looks at the deadlines in flight every
/// `resolution` (so a deadline fires at most that late), instead of a timer task per statement — a statement
/// costs one task (its operation) and two short locks. Written by hand: the standard library has no deadline
/// that abandons an uninterruptible operation.
final class DeadlineWatch: Sendable {
    private struct State {
        var next: UInt64 = 0
        var armed: [UInt64: (at: ContinuousClock.Instant, expire: @Sendable () -> Void)] = [:]
        var ticking: Task<Void, Never>?
    }
    private let state = Mutex(State())
    let resolution: Duration

    init(resolution: Duration = .milliseconds(20)) {
        self.resolution = resolution
    }

    /// Runs `operation` in a task of its own and waits for it until `seconds` have passed.
    func run<T: Sendable>(seconds: Double, what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = DeadlineRace<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                race.start(continuation)
                let work = Task { do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) } }
                let id = arm(at: .now + .milliseconds(Int64(seconds * 1000))) {
                    race.finish(.failure(DatabaseUnavailable(reason: "\(what) timed out after \(seconds)s")))
                    work.cancel()
                }
                race.track(work: work) { [weak self] in self?.disarm(id) }
            }
        } onCancel: {
            race.cancel()
        }
    }

    private func arm(at instant: ContinuousClock.Instant, _ expire: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { s in
            s.next &+= 1
            s.armed[s.next] = (instant, expire)
            if s.ticking == nil { s.ticking = Task { [weak self] in await self?.tick() } }
            return s.next
        }
    }

    private func disarm(_ id: UInt64) {
        _ = state.withLock { $0.armed.removeValue(forKey: id) }
    }

    /// Fires what is due, while anything is armed; the next statement starts it again.
    private func tick() async {
        while true {
            try? await Task.sleep(for: resolution)
            let now = ContinuousClock.now
            let due = state.withLock { s -> [@Sendable () -> Void]? in
                if s.armed.isEmpty {
                    s.ticking = nil
                    return nil
                }
                let expired = s.armed.filter { $0.value.at <= now }
                for id in expired.keys { s.armed.removeValue(forKey: id) }
                return expired.values.map(\.expire)
            }
            guard let due else { return }
            for expire in due { expire() }
        }
    }

    deinit {
        state.withLock { $0.ticking?.cancel() }
    }
}

/// The state of one deadline: whichever of the operation and the watch finishes first resumes the caller.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var finished = false
        var work: Task<Void, Never>?
        var onFinish: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func start(_ c: CheckedContinuation<T, any Error>) { state.withLock { $0.continuation = c } }

    func track(work: Task<Void, Never>, onFinish: @escaping @Sendable () -> Void) {
        let done = state.withLock { s -> Bool in
            s.work = work
            if !s.finished { s.onFinish = onFinish }
            return s.finished
        }
        if done { onFinish() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (c, onFinish) = state.withLock { s -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !s.finished else { return (nil, nil) }
            s.finished = true
            defer { s.continuation = nil; s.onFinish = nil }
            return (s.continuation, s.onFinish)
        }
        onFinish?()
        c?.resume(with: result)
    }

    func cancel() {
        let work = state.withLock { $0.work }
        work?.cancel()
    }
}
