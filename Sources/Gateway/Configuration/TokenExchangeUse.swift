import Core
import Providers

extension GatewayConfiguration {
    /// Every `token_exchange:` of a provider or an MCP server needs the gateway's client of the identity provider,
    /// `identity.token_exchange`: without it the upstream could never be called, so start-up stops naming the first.
    static func checkTokenExchangeUse(
        identityExchange: Bool, providers: [String: ProviderConfiguration], servers: [String: MCPServerConfiguration]
    ) throws {
        guard !identityExchange else { return }
        let message = "needs identity.token_exchange (token_endpoint, client_id, client_secret): the gateway's client of the identity provider"
        if let name = providers.keys.sorted().first(where: { providers[$0]?.tokenExchange != nil }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [AnyCodingKey(stringValue: "providers"), AnyCodingKey(stringValue: name), AnyCodingKey(stringValue: "token_exchange")],
                debugDescription: message))
        }
        if let name = servers.keys.sorted().first(where: { servers[$0]?.tokenExchange != nil }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [AnyCodingKey(stringValue: "mcp"), AnyCodingKey(stringValue: "servers"), AnyCodingKey(stringValue: name),
                             AnyCodingKey(stringValue: "token_exchange")],
                debugDescription: message))
        }
    }
}
