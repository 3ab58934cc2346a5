import Core

/// How one public model is served: its targets in order of preference, how often a failing target is
/// retried, and the time each attempt and the whole request may take (`models[].targets`, `retry`,
/// `timeouts` in portcullis.yaml).
public struct ModelRoute: Sendable, Hashable {
    public var name: String
    /// At least one. The first is the model's own entry (its attributes are the model's).
    public var targets: [ModelTarget]
    /// Nil: each target's provider's `max_retries` (+1 calls), with the default back-off.
    public var retry: RetryPolicy?
    public var timeouts: UpstreamTimeouts

    public init(name: String, targets: [ModelTarget], retry: RetryPolicy? = nil, timeouts: UpstreamTimeouts = UpstreamTimeouts()) {
        precondition(!targets.isEmpty, "a model route has at least one target")
        self.name = name
        self.targets = targets
        self.retry = retry
        self.timeouts = timeouts
    }

    /// The retry policy for attempts on `provider`.
    public func retryPolicy(on provider: ProviderConfiguration) -> RetryPolicy {
        retry ?? RetryPolicy(attempts: provider.maxRetries + 1)
    }

    /// The model as callers, the models list and the limits know it: the first target's descriptor.
    public var primary: ModelDescriptor { targets[0].descriptor }

    /// The order targets are tried in for one request: by priority, and within a priority by a weighted draw
    /// without replacement (so a weight-3 deployment is tried first three times as often as a weight-1 one,
    /// and the other is still tried next). `unit` draws uniformly from [0, 1).
    public func attemptOrder(unit: () -> Double = { Double.random(in: 0..<1) }) -> [ModelTarget] {
        guard targets.count > 1 else { return targets }
        var order: [ModelTarget] = []
        order.reserveCapacity(targets.count)
        let priorities = Set(targets.map(\.priority)).sorted()
        for priority in priorities {
            var group = targets.filter { $0.priority == priority }
            while group.count > 1 {
                let total = group.reduce(0) { $0 + $1.weight }
                var pick = unit() * total
                var index = group.count - 1
                for (i, t) in group.enumerated() {
                    if pick < t.weight { index = i; break }
                    pick -= t.weight
                }
                order.append(group.remove(at: index))
            }
            order += group
        }
        return order
    }
}
