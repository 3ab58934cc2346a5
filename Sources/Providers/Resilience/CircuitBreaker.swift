import Synchronization

/// When a provider deployment is taken out of rotation (`providers.<name>.circuit_breaker`): after
/// `failures` failed calls within `window`, its circuit opens and it is skipped for `openFor`; then up to
/// `halfOpenProbes` calls are let through at a time, and the first success closes it (a failure re-opens it).
public struct CircuitSettings: Sendable, Hashable {
    /// `false`: the provider's upstreams are never taken out of rotation (every call is tried).
    public var enabled: Bool
    public var failures: Int
    public var window: Duration
    public var openFor: Duration
    public var halfOpenProbes: Int

    public init(enabled: Bool = true, failures: Int = 5, window: Duration = .seconds(30), openFor: Duration = .seconds(30), halfOpenProbes: Int = 1) {
        self.enabled = enabled
        self.failures = failures
        self.window = window
        self.openFor = openFor
        self.halfOpenProbes = halfOpenProbes
    }
}

/// The health of one upstream, as seen by the calls made to it. Thread-safe; one per `UpstreamKey`.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable, Equatable {
        case closed, open
        case halfOpen = "half_open"

        /// For the metrics gauge: 0 closed, 1 open, 2 half-open.
        public var gaugeValue: Int {
            switch self {
            case .closed: 0
            case .open: 1
            case .halfOpen: 2
            }
        }
    }

    /// What `admit` said: go (`probe` when the call is one of the half-open trials), or skip this upstream.
    public enum Admission: Sendable, Equatable {
        case go(probe: Bool)
        case skip(retryIn: Duration)
    }

    private struct Book {
        var state: State = .closed
        /// Failure times (monotonic) inside the window, oldest first.
        var recentFailures: [ContinuousClock.Instant] = []
        var openedAt: ContinuousClock.Instant?
        var probesInFlight = 0
        var opened = 0
    }

    public let settings: CircuitSettings
    private let book = Mutex(Book())
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(settings: CircuitSettings, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.settings = settings
        self.now = now
    }

    /// Whether a call may go to this upstream now.
    public func admit() -> Admission {
        let t = now()
        return book.withLock { b in
            switch b.state {
            case .closed:
                return .go(probe: false)
            case .open:
                let since = t - (b.openedAt ?? t)
                guard since >= settings.openFor else { return .skip(retryIn: settings.openFor - since) }
                b.state = .halfOpen
                b.probesInFlight = 1
                return .go(probe: true)
            case .halfOpen:
                guard b.probesInFlight < settings.halfOpenProbes else { return .skip(retryIn: .seconds(1)) }
                b.probesInFlight += 1
                return .go(probe: true)
            }
        }
    }

    /// The call reached the provider and it answered as a healthy upstream does (any status but 429/5xx).
    public func recordSuccess(probe: Bool) {
        book.withLock { b in
            if probe { b.probesInFlight = max(0, b.probesInFlight - 1) }
            if b.state == .halfOpen { b.state = .closed; b.probesInFlight = 0 }
            b.recentFailures.removeAll()
        }
    }

    /// The call failed: no connection, a timeout, 429 or 5xx.
    public func recordFailure(probe: Bool) {
        let t = now()
        book.withLock { b in
            if probe { b.probesInFlight = max(0, b.probesInFlight - 1) }
            switch b.state {
            case .halfOpen:
                b.state = .open
                b.openedAt = t
                b.opened += 1
                b.probesInFlight = 0
            case .open:
                break
            case .closed:
                b.recentFailures.removeAll { t - $0 > settings.window }
                b.recentFailures.append(t)
                if b.recentFailures.count >= settings.failures {
                    b.state = .open
                    b.openedAt = t
                    b.opened += 1
                    b.recentFailures.removeAll()
                }
            }
        }
    }

    /// A probe that was admitted but never made (the request ended first) gives its slot back.
    public func cancelProbe() {
        book.withLock { b in b.probesInFlight = max(0, b.probesInFlight - 1) }
    }

    /// The state as a reader would report it: an open circuit whose pause is over reads as half-open.
    public var state: State {
        let t = now()
        return book.withLock { b in
            if b.state == .open, let at = b.openedAt, t - at >= settings.openFor { return .halfOpen }
            return b.state
        }
    }

    /// How many times the circuit has opened since start.
    public var timesOpened: Int { book.withLock { $0.opened } }
}
