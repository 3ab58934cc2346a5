import AuditStreaming
import Limits
import Prometheus
import Providers
import Synchronization

/// The gateway's Prometheus metrics, registered on its own registry (no global bootstrap, so tests
/// and several gateways in one process each get their own): requests by route, status and model;
/// total latency, gateway overhead and upstream time as separate histograms; time to first token.
///
/// Label values are bounded: `model` is a configured model name (a request for an unknown model counts
/// under `model=""`), so callers cannot grow the series without limit. Handles are looked up in the
/// registry once per label set and kept, so a request costs a few atomic increments.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: RouteHistograms]>([:])
    /// The upstreams whose circuit state is exported (fixed by the configuration, so the labels are bounded).
    private let circuits = Mutex<CircuitBreakers?>(nil)
    /// What identifies this replica's configuration in force: its name and the policy set it enforces.
    private let identity = Mutex<(replica: String, policyHash: @Sendable () -> String, shown: (hash: String, gauge: Gauge)?)?>(nil)
    /// Totals kept elsewhere (the limits' and the cache's store failures), brought up to date at each scrape.
    private let totals = Mutex<[WatchedTotal]>([])

    struct WatchedTotal {
        let counter: Counter
        let read: @Sendable () -> Int
        var exported = 0
    }
    /// The audit streams (named in the configuration, so the labels are bounded) and the counts already exported.
    private let streams = Mutex<(health: [StreamHealth], exported: [String: (sent: Int, failures: Int)])>(([], [:]))

    struct RouteHistograms {
        let total, overhead, upstream, firstToken: DurationHistogram
    }

    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "portcullis", metricName: name, unitName: unit, helpText: help)
    }

    /// One finished request. `model` is used as a label only once the request was routed to a provider
    /// (`trail.provider` set), i.e. when it names a configured model.
    public func recordRequest(route: String, status: Int, model: String?, trail: RequestTrail) {
        let modelLabel = trail.provider == nil ? "" : (model ?? "")
        let key = route + "\u{0}" + String(status) + "\u{0}" + modelLabel
        let requests = counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.descriptor("requests", "total", "Requests by route, status and model"),
                labels: [("route", route), ("status", String(status)), ("model", modelLabel)])
            cache[key] = counter
            return counter
        }
        requests.increment()
        let h = routeHistograms(route)
        if let total = trail.totalDuration { h.total.record(total) }
        if let overhead = trail.gatewayOverhead { h.overhead.record(overhead) }
        if let upstream = trail.upstreamDuration { h.upstream.record(upstream) }
        if let ttft = trail.timeToFirstToken { h.firstToken.record(ttft) }
    }

    private func routeHistograms(_ route: String) -> RouteHistograms {
        histograms.withLock { cache in
            if let h = cache[route] { return h }
            func make(_ name: String, _ help: String) -> DurationHistogram {
                registry.makeDurationHistogram(
                    descriptor: Self.descriptor(name, "seconds", help), labels: [("route", route)], buckets: Self.latencyBuckets)
            }
            let h = RouteHistograms(
                total: make("request_duration", "End-to-end request latency"),
                overhead: make("gateway_overhead", "Latency added by the gateway (total minus upstream)"),
                upstream: make("upstream_duration", "Time spent waiting on the provider"),
                firstToken: make("time_to_first_token", "Time from request to first streamed answer text"))
            cache[route] = h
            return h
        }
    }

    /// One provider call of a request (`outcome` as in the audit record's attempts). Labels come from the
    /// configuration (provider, upstream model) and a fixed set of outcomes.
    public func countAttempt(_ upstream: UpstreamKey, outcome: String) {
        let key = "attempt\u{0}" + upstream.provider + "\u{0}" + upstream.upstreamModel + "\u{0}" + outcome
        let counter = counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.descriptor("upstream_attempts", "total", "Provider calls by upstream and outcome (retries and failovers included)"),
                labels: [("provider", upstream.provider), ("upstream_model", upstream.upstreamModel), ("outcome", outcome)])
            cache[key] = counter
            return counter
        }
        counter.increment()
    }

    /// Exports each upstream's circuit state (0 closed, 1 open, 2 half-open) and how often it opened.
    public func watch(_ breakers: CircuitBreakers) {
        circuits.withLock { $0 = breakers }
    }

    /// Exports the store failures of the limits (`limits_store_failures_total`: admissions refused for it,
    /// corrections lost) and of the answer cache (`cache_store_failures_total`: lookups served as misses,
    /// answers not stored).
    public func watch(_ admission: AdmissionControl, cache: AnswerCache) {
        let limits = registry.makeCounter(descriptor: Self.descriptor(
            "limits_store_failures", "total", "Rate-limit and budget store operations that failed (admissions refused, corrections lost)"))
        let cached = registry.makeCounter(descriptor: Self.descriptor(
            "cache_store_failures", "total", "Answer cache store operations that failed (lookups served as misses, answers not stored)"))
        totals.withLock {
            $0 += [WatchedTotal(counter: limits, read: { admission.storeFailures }), WatchedTotal(counter: cached, read: { cache.stats.failures })]
        }
    }

    /// Exports each audit stream's records sent, failed deliveries, backlog, last success and lease.
    public func watch(streams health: [StreamHealth]) {
        streams.withLock { $0.health = health }
    }

    private func exportStreams() {
        streams.withLock { watched in
            for health in watched.health {
                let s = health.snapshot()
                let labels = [("stream", s.name)]
                let before = watched.exported[s.name] ?? (0, 0)
                registry.makeCounter(
                    descriptor: Self.descriptor("audit_stream_records_sent", "total", "Audit records the stream's collector accepted (resent records count again)"),
                    labels: labels).increment(by: Int64(s.sent - before.sent))
                registry.makeCounter(
                    descriptor: Self.descriptor("audit_stream_send_failures", "total", "Failed deliveries to the stream's collector (each is retried)"),
                    labels: labels).increment(by: Int64(s.failures - before.failures))
                watched.exported[s.name] = (s.sent, s.failures)
                registry.makeGauge(
                    descriptor: Self.descriptor("audit_stream_backlog", "records", "Committed audit records the stream's collector has not accepted yet"),
                    labels: labels).set(Double(s.backlog))
                registry.makeGauge(
                    descriptor: Self.descriptor("audit_stream_last_success", "timestamp_seconds", "Unix time of the stream's last accepted batch (0: none yet)"),
                    labels: labels).set(s.lastSuccess ?? 0)
                registry.makeGauge(
                    descriptor: Self.descriptor("audit_stream_lease_held", "", "1 when this process holds the stream's lease (sends it), 0 when another replica does"),
                    labels: labels).set(s.holdsLease ? 1.0 : 0.0)
            }
        }
    }

    public func count(_ name: String, help: String, labels: [(String, String)] = []) {
        registry.makeCounter(descriptor: Self.descriptor(name, "total", help), labels: labels).increment()
    }

    /// Exports `portcullis_policy_set_info{replica, policy_set_hash} 1` for the set in force — replicas
    /// enforcing different sets show as different hashes (drift). A reload replaces the series: one per replica.
    public func watchPolicySet(replica: String, hash: @escaping @Sendable () -> String) {
        identity.withLock { $0 = (replica, hash, nil) }
    }

    private func exportPolicySet() {
        identity.withLock { state in
            guard var s = state else { return }
            let hash = s.policyHash()
            guard s.shown?.hash != hash else { return }
            if let old = s.shown?.gauge { registry.unregisterGauge(old) }
            let gauge = registry.makeGauge(
                descriptor: Self.descriptor("policy_set_info", "", "The policy set in force on this replica (value 1; compare policy_set_hash across replicas)"),
                labels: [("replica", s.replica), ("policy_set_hash", hash)])
            gauge.set(1.0)
            s.shown = (hash, gauge)
            state = s
        }
    }

    public func exposition() -> [UInt8] {
        exportPolicySet()
        totals.withLock { totals in
            for i in totals.indices {
                let now = totals[i].read()
                if now > totals[i].exported { totals[i].counter.increment(by: Int64(now - totals[i].exported)) }
                totals[i].exported = max(totals[i].exported, now)
            }
        }
        if let breakers = circuits.withLock({ $0 }) {
            for (key, breaker) in breakers.byUpstream {
                let labels = [("provider", key.provider), ("upstream_model", key.upstreamModel)]
                registry.makeGauge(
                    descriptor: Self.descriptor("upstream_circuit_state", "", "Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open"),
                    labels: labels).set(Double(breaker.state.gaugeValue))
                registry.makeGauge(
                    descriptor: Self.descriptor("upstream_circuit_opened", "", "Times the upstream's circuit has opened since start"),
                    labels: labels).set(Double(breaker.timesOpened))
            }
        }
        exportStreams()
        return registry.emitToBuffer()
    }
}
