import AsyncHTTPClient
import Core

/// All configured providers and the model routes over them: public model name → provider + upstream name.
public struct ProviderRegistry: Sendable {
    public enum RoutingError: Error, Equatable {
        case unknownModel(String)
    }

    public let clients: [String: ProviderClient]
    public let models: [String: ModelDescriptor]
    /// Model names in configuration order (for `GET /v1/models`).
    public let modelOrder: [String]

    public init(clients: [String: ProviderClient], models: [ModelDescriptor]) {
        self.clients = clients
        self.models = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.modelOrder = models.map(\.name)
    }

    /// The route for a public model name.
    public func route(_ model: String) throws(RoutingError) -> (ModelDescriptor, ProviderClient) {
        guard let descriptor = models[model], let client = clients[descriptor.provider] else {
            throw .unknownModel(model)
        }
        return (descriptor, client)
    }
}
