import Core

/// One place a model can be served from: a provider and its name for the model, with the attributes policy,
/// budgets and the audit read for that place (hosting, region, cleared data classes, prices) — a fallback
/// target is decided on its own attributes, never on the primary's.
public struct ModelTarget: Sendable, Hashable {
    /// The public model name with this target's provider, upstream name and attributes.
    public var descriptor: ModelDescriptor
    /// Share of first attempts among the targets of the same `priority` (load balancing across deployments).
    public var weight: Double
    /// Lower is tried first; targets of equal priority are ordered by a weighted draw.
    public var priority: Int

    public init(descriptor: ModelDescriptor, weight: Double = 1, priority: Int = 0) {
        self.descriptor = descriptor
        self.weight = weight
        self.priority = priority
    }

    /// The upstream a circuit breaker watches: one provider's deployment of one model.
    public var upstreamKey: UpstreamKey { UpstreamKey(provider: descriptor.provider, upstreamModel: descriptor.upstreamModel) }
}

/// A provider and its model name: the unit of health (circuit breaking) and of the metrics labels.
public struct UpstreamKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var provider: String
    public var upstreamModel: String

    public init(provider: String, upstreamModel: String) {
        self.provider = provider
        self.upstreamModel = upstreamModel
    }

    public var description: String { "\(provider)/\(upstreamModel)" }

    public static func < (a: UpstreamKey, b: UpstreamKey) -> Bool { (a.provider, a.upstreamModel) < (b.provider, b.upstreamModel) }
}
