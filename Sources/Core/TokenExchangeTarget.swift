/// What an upstream that takes a user-bound credential asks for (`token_exchange:` of an MCP server or a model
/// provider): the gateway exchanges the caller's user token at the identity provider (RFC 8693) for a token
/// issued to this `audience` and/or `resource`, with `scope` when given, and sends that — never the caller's own.
///
/// ```yaml
/// token_exchange: { audience: tickets-api, resource: https://tickets.internal/mcp, scope: "tickets.read" }
/// ```
public struct TokenExchangeTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// RFC 8693 `audience`: the logical name of the upstream as the identity provider knows it.
    public var audience: String?
    /// RFC 8693 `resource` (RFC 8707): the upstream's absolute URI, without a fragment.
    public var resource: String?
    /// RFC 8693 `scope`: space-separated scopes asked for.
    public var scope: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case audience, resource, scope }

    public init(audience: String? = nil, resource: String? = nil, scope: String? = nil) {
        self.audience = audience
        self.resource = resource
        self.scope = scope
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        audience = try c.decodeIfPresent(String.self, forKey: .audience)
        resource = try c.decodeIfPresent(String.self, forKey: .resource)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        if let problem = validationProblem() {
            throw DecodingError.dataCorruptedError(forKey: problem.key, in: c, debugDescription: problem.message)
        }
    }

    /// The first configuration error, if any.
    func validationProblem() -> (key: CodingKeys, message: String)? {
        if audience == nil && resource == nil {
            return (.audience, "token_exchange needs audience, resource or both: whom the exchanged token is for")
        }
        for (key, value) in [(CodingKeys.audience, audience), (.resource, resource), (.scope, scope)] {
            guard let value else { continue }
            if value.isEmpty || value.utf8.count > 1024 || value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                return (key, "expected 1 to 1024 characters without control characters")
            }
        }
        if let resource {
            // RFC 8707 §2: an absolute URI without a fragment.
            let lower = resource.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("urn:"), !resource.contains("#"),
                !resource.contains(" ")
            else {
                return (.resource, "expected an absolute URI (https://…, or urn:…) without a fragment")
            }
        }
        if let scope, scope.hasPrefix(" ") || scope.hasSuffix(" ") || scope.contains("  ") {
            return (.scope, "expected scopes separated by single spaces")
        }
        return nil
    }

    public var description: String {
        [audience.map { "audience \($0)" }, resource.map { "resource \($0)" }, scope.map { "scope \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }
}
