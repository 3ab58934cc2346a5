/// One circuit breaker per upstream (provider and upstream model) of every configured model target whose
/// provider has circuit breaking enabled, made at
/// start: the set is fixed by the configuration, so `/readyz` and the metrics labels stay bounded.
public struct CircuitBreakers: Sendable {
    public let byUpstream: [UpstreamKey: CircuitBreaker]

    public init(routes: [ModelRoute], settings: (String) -> CircuitSettings,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        var map: [UpstreamKey: CircuitBreaker] = [:]
        for route in routes {
            for target in route.targets where map[target.upstreamKey] == nil {
                let chosen = settings(target.descriptor.provider)
                if chosen.enabled { map[target.upstreamKey] = CircuitBreaker(settings: chosen, now: now) }
            }
        }
        byUpstream = map
    }

    public subscript(key: UpstreamKey) -> CircuitBreaker? { byUpstream[key] }

    /// Every upstream with its state, in a stable order.
    public var states: [(UpstreamKey, CircuitBreaker.State)] {
        byUpstream.keys.sorted().map { ($0, byUpstream[$0]!.state) }
    }
}
