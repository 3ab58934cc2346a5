import AsyncHTTPClient

/// The HTTP clients provider calls go through, one per distinct (connect, idle) timeout pair in the
/// configuration: AsyncHTTPClient takes both per client, and a model's timeouts must hold for its calls.
/// Made at start for every pair the configuration names; a pair it does not know uses the default client.
public final class UpstreamTransports: Sendable {
    public struct Key: Hashable, Sendable {
        public var connect: Duration
        public var idle: Duration

        public init(connect: Duration, idle: Duration) {
            self.connect = connect
            self.idle = idle
        }
    }

    public let fallback: HTTPClient
    private let clients: [Key: HTTPClient]

    /// - Parameter fallbackKey: the timeouts `fallback` already has (no second client, and pool, is made for them).
    public init(keys: Set<Key>, fallback: HTTPClient, fallbackKey: Key, make: (Key) -> HTTPClient) {
        self.fallback = fallback
        var clients: [Key: HTTPClient] = [:]
        for key in keys where key != fallbackKey { clients[key] = make(key) }
        self.clients = clients
    }

    public func client(for timeouts: ResolvedTimeouts) -> HTTPClient {
        clients[Key(connect: timeouts.connect, idle: timeouts.idle)] ?? fallback
    }

    /// Shuts down the clients made here (not `fallback`, which its owner shuts down).
    public func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
    }
}
