/// A verified identity: who is asking. Produced only by the `Identity` module after a
/// credential has been cryptographically verified; nothing else constructs one on the request path.
public struct Principal: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case user
        case service
    }

    /// Stable, globally unique id: issuer and subject (`issuer#subject`).
    public var id: String { "\(issuer)#\(subject)" }
    public var issuer: String
    public var subject: String
    public var kind: Kind
    public var name: String?
    public var email: String?
    public var groups: [String]
    public var roles: [String]
    public var scopes: [String]
    public var tenant: String?
    /// Authentication context class reference (`acr`) and methods (`amr`).
    public var acr: String?
    public var amr: [String]
    /// How the credential was presented: `jwt`, `mtls`, `gateway-key`.
    public var authenticationMethod: String

    public init(
        issuer: String, subject: String, kind: Kind, name: String? = nil, email: String? = nil,
        groups: [String] = [], roles: [String] = [], scopes: [String] = [], tenant: String? = nil,
        acr: String? = nil, amr: [String] = [], authenticationMethod: String = "jwt"
    ) {
        self.issuer = issuer
        self.subject = subject
        self.kind = kind
        self.name = name
        self.email = email
        self.groups = groups
        self.roles = roles
        self.scopes = scopes
        self.tenant = tenant
        self.acr = acr
        self.amr = amr
        self.authenticationMethod = authenticationMethod
    }
}
