/// The time a model's provider calls may take (`models[].timeouts`): establishing the connection, until the
/// first byte of the answer (the head, and for a stream its first event), the longest silence between two
/// chunks of a stream, and the whole request across every attempt and retry (the deadline). Nil: the
/// provider's own setting.
public struct UpstreamTimeouts: Sendable, Hashable {
    public var connect: Duration?
    public var firstByte: Duration?
    public var idle: Duration?
    public var total: Duration?

    public init(connect: Duration? = nil, firstByte: Duration? = nil, idle: Duration? = nil, total: Duration? = nil) {
        self.connect = connect
        self.firstByte = firstByte
        self.idle = idle
        self.total = total
    }

    /// The model's timeouts where set, else the provider's.
    public func resolved(with provider: ProviderConfiguration) -> ResolvedTimeouts {
        ResolvedTimeouts(
            connect: connect ?? .seconds(provider.connectTimeoutSeconds),
            firstByte: firstByte ?? .seconds(provider.timeoutSeconds),
            idle: idle ?? .seconds(provider.idleTimeoutSeconds))
    }
}

/// The timeouts of one attempt on one provider.
public struct ResolvedTimeouts: Sendable, Hashable {
    public var connect: Duration
    public var firstByte: Duration
    public var idle: Duration

    public init(connect: Duration, firstByte: Duration, idle: Duration) {
        self.connect = connect
        self.firstByte = firstByte
        self.idle = idle
    }
}

extension Duration {
    /// Whole milliseconds, rounded up (a timeout never shrinks to zero).
    public var wholeMilliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000
    }

    public static func seconds(_ value: Double) -> Duration { .milliseconds(Int64((value * 1000).rounded(.up))) }
}
