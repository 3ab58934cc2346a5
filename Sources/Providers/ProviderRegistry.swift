import AsyncHTTPClient
import Core

/// All configured providers and the routes over them: public model name → the targets that serve it (provider,
/// upstream name, attributes), in order, with their retry and timeout settings, and the health of each upstream.
public struct ProviderRegistry: Sendable {
    public enum RoutingError: Error, Equatable {
        case unknownModel(String)
    }

    public let clients: [String: ProviderClient]
    public let routes: [String: ModelRoute]
    /// Each model's primary descriptor (the models list, limits and prices read these).
    public let models: [String: ModelDescriptor]
    /// Model names in configuration order (for `GET /v1/models`).
    public let modelOrder: [String]
    public let breakers: CircuitBreakers
    /// HTTP clients by (connect, idle) timeouts: AsyncHTTPClient sets those per client, not per request.
    public let transports: UpstreamTransports?

    public init(clients: [String: ProviderClient], routes: [ModelRoute], transports: UpstreamTransports? = nil,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.clients = clients
        var byName: [String: ModelRoute] = [:]
        for route in routes where byName[route.name] == nil { byName[route.name] = route }
        self.routes = byName
        self.models = byName.mapValues(\.primary)
        self.modelOrder = routes.map(\.name)
        self.breakers = CircuitBreakers(routes: routes, settings: { clients[$0]?.configuration.circuitBreaker ?? CircuitSettings() }, now: now)
        self.transports = transports
    }

    /// One target per model (the configuration before fallbacks existed; tests).
    public init(clients: [String: ProviderClient], models: [ModelDescriptor]) {
        self.init(clients: clients, routes: models.map { ModelRoute(name: $0.name, targets: [ModelTarget(descriptor: $0)]) })
    }

    /// The primary route for a public model name.
    public func route(_ model: String) throws(RoutingError) -> (ModelDescriptor, ProviderClient) {
        guard let route = routes[model], let client = clients[route.primary.provider] else {
            throw .unknownModel(model)
        }
        return (route.primary, client)
    }
}
