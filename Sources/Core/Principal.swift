/// A verified identity: who is asking. Produced only by the `Identity` module after a
/// credential has been cryptographically verified; nothing else constructs one on the request path.
///
/// A delegated call (a service acting for a signed-in user) has the user as the principal and the services
/// that act for them, nearest first, in `actors`: the policy decides on the user and sees the chain, limits
/// can be keyed by either, and the audit record keeps both.
public struct Principal: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case user
        case service
    }

    /// How the credential is tied to its presenter (RFC 9449 DPoP, RFC 8705 certificate-bound), or `none` for a
    /// bearer token anyone holding it could use.
    public enum TokenBinding: String, Sendable, Hashable, Codable {
        case none
        case dpop
        case mtls
    }

    /// One party acting for the principal: the calling service, or a further delegate.
    public struct Actor: Sendable, Hashable, Codable {
        /// Where the actor was learnt from.
        public enum Source: String, Sendable, Hashable, Codable {
            /// An RFC 8693 `act` claim of the token.
            case actClaim = "act"
            /// The client the user's token was issued to (Entra `azp`/`appid`, Okta `cid`).
            case client
            /// A workload that authenticated itself and presented the user's token.
            case workload
        }

        public var id: String { "\(issuer)#\(subject)" }
        public var issuer: String
        public var subject: String
        public var kind: Kind
        public var name: String?
        public var groups: [String]
        public var roles: [String]
        public var source: Source

        public init(
            issuer: String, subject: String, kind: Kind = .service, name: String? = nil, groups: [String] = [],
            roles: [String] = [], source: Source
        ) {
            self.issuer = issuer
            self.subject = subject
            self.kind = kind
            self.name = name
            self.groups = groups
            self.roles = roles
            self.source = source
        }
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
    /// How the credential was presented: `jwt`, `mtls`, `delegated` (a workload carrying the user's token).
    public var authenticationMethod: String
    /// Who acts for the principal, nearest first (empty when the principal calls for itself).
    public var actors: [Actor]
    public var tokenBinding: TokenBinding

    /// The actor presenting the call, if any.
    public var actor: Actor? { actors.first }

    /// The principal together with the services acting for it, as one unambiguous key: what a delegated call
    /// creates (an MCP session, a continuation, an exchanged token) belongs to this, not to the user alone.
    public var callerKey: String { Self.callerKey(id: id, actors: actors.map(\.id)) }

    /// Each id length-prefixed (`<bytes>:<id>`), so no subject can forge another chain's key.
    public static func callerKey(id: String, actors: [String]) -> String {
        ([id] + actors).map { "\($0.utf8.count):\($0)" }.joined()
    }

    public init(
        issuer: String, subject: String, kind: Kind, name: String? = nil, email: String? = nil,
        groups: [String] = [], roles: [String] = [], scopes: [String] = [], tenant: String? = nil,
        acr: String? = nil, amr: [String] = [], authenticationMethod: String = "jwt", actors: [Actor] = [],
        tokenBinding: TokenBinding = .none
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
        self.actors = actors
        self.tokenBinding = tokenBinding
    }
}
