import Prometheus

/// The gateway's Prometheus metrics, registered on its own registry (no global bootstrap, so tests
/// and several gateways in one process each get their own): requests by route, status and model;
/// total latency, gateway overhead and upstream time as separate histograms; time to first token.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

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

    public func recordRequest(route: String, status: Int, model: String?, trail: RequestTrail) {
        let labels = [("route", route), ("status", String(status)), ("model", model ?? "")]
        registry.makeCounter(descriptor: Self.descriptor("requests", "total", "Requests by route, status and model"), labels: labels).increment()
        let routeLabels = [("route", route)]
        if let total = trail.totalDuration {
            registry.makeDurationHistogram(descriptor: Self.descriptor("request_duration", "seconds", "End-to-end request latency"), labels: routeLabels, buckets: Self.latencyBuckets).record(total)
        }
        if let overhead = trail.gatewayOverhead {
            registry.makeDurationHistogram(descriptor: Self.descriptor("gateway_overhead", "seconds", "Latency added by the gateway (total minus upstream)"), labels: routeLabels, buckets: Self.latencyBuckets).record(overhead)
        }
        if let upstream = trail.upstreamDuration {
            registry.makeDurationHistogram(descriptor: Self.descriptor("upstream_duration", "seconds", "Time spent waiting on the provider"), labels: routeLabels, buckets: Self.latencyBuckets).record(upstream)
        }
        if let ttft = trail.timeToFirstToken {
            registry.makeDurationHistogram(descriptor: Self.descriptor("time_to_first_token", "seconds", "Time from request to first streamed answer text"), labels: routeLabels, buckets: Self.latencyBuckets).record(ttft)
        }
    }

    public func count(_ name: String, help: String, labels: [(String, String)] = []) {
        registry.makeCounter(descriptor: Self.descriptor(name, "total", help), labels: labels).increment()
    }

    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
