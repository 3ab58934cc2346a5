import Core

/// `claim_mapping`: how an issuer's claims become a `Principal`. Either a preset name
/// (`claim_mapping: keycloak`) or an object with a preset and JSON-pointer overrides:
///
/// ```yaml
/// claim_mapping:
///   preset: generic
///   subject: /uid
///   groups: [/groups, /custom/teams]
///   service_when:
///     - { claim: /token_use, equals: machine }
/// ```
/// For single values the first pointer that yields a value wins; for lists all pointers are merged.
public struct ClaimMappingConfiguration: Codable, Sendable {
    public enum Preset: String, Codable, Sendable, CaseIterable {
        case generic
        case entraV1 = "entra_v1"
        case entraV2 = "entra_v2"
        case okta, keycloak, google
    }

    /// A condition under which the principal is a service (client-credentials token, workload) rather than a user.
    public struct KindRule: Codable, Sendable {
        public var claim: String
        public var equals: String?
        public var equalsClaim: String?
        public var prefix: String?
        public var suffix: String?
        public var present: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case claim, equals, prefix, suffix, present
            case equalsClaim = "equals_claim"
        }

        public init(claim: String, equals: String? = nil, equalsClaim: String? = nil, prefix: String? = nil,
                    suffix: String? = nil, present: Bool? = nil) {
            self.claim = claim
            self.equals = equals
            self.equalsClaim = equalsClaim
            self.prefix = prefix
            self.suffix = suffix
            self.present = present
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            claim = try c.decode(String.self, forKey: .claim)
            equals = try c.decodeIfPresent(String.self, forKey: .equals)
            equalsClaim = try c.decodeIfPresent(String.self, forKey: .equalsClaim)
            prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
            suffix = try c.decodeIfPresent(String.self, forKey: .suffix)
            present = try c.decodeIfPresent(Bool.self, forKey: .present)
            let conditions = [equals != nil, equalsClaim != nil, prefix != nil, suffix != nil, present != nil]
            guard conditions.filter({ $0 }).count == 1 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .claim, in: c,
                    debugDescription: "a service_when rule needs exactly one of equals, equals_claim, prefix, suffix, present")
            }
            for pointer in [claim, equalsClaim].compactMap({ $0 }) where (try? JSONPointer(pointer)) == nil {
                throw DecodingError.dataCorruptedError(forKey: .claim, in: c, debugDescription: "\(pointer) is not a JSON pointer")
            }
        }
    }

    public var preset: Preset
    public var subject: [String]?
    public var name: [String]?
    public var email: [String]?
    /// A boolean claim that must be true for `email` to be taken (Google: `/email_verified`).
    public var emailVerified: String?
    public var groups: [String]?
    public var roles: [String]?
    public var scopes: [String]?
    public var tenant: [String]?
    public var acr: [String]?
    public var amr: [String]?
    /// Replaces the preset's service rules when set.
    public var serviceWhen: [KindRule]?
    /// A single character that separates values when an IdP sends a list claim (groups, roles, amr) as one
    /// string, e.g. `","` for glewlwyd. Without it such a string is one value. Scopes always split on spaces.
    public var listSeparator: String?
    /// Keycloak only: the gateway's client id. Its client roles (`resource_access.<client_id>.roles`) are taken
    /// with the realm roles; other clients' roles never are (any client of the realm can define a role of any
    /// name). Without it, only realm roles count.
    public var clientID: String?
    /// The claim naming the client application a user's token was issued to (Entra `azp`/`appid`, Okta `cid`,
    /// Keycloak `azp`): that application acts for the user and becomes the first actor of the chain when the
    /// token has no `act` claim. `[]` turns it off; the generic and google presets have none.
    public var actorClient: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case preset, subject, name, email, groups, roles, scopes, tenant, acr, amr
        case actorClient = "actor_client"
        case emailVerified = "email_verified"
        case serviceWhen = "service_when"
        case listSeparator = "list_separator"
        case clientID = "client_id"
    }

    public init(preset: Preset = .generic) { self.preset = preset }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            guard let preset = Preset(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "unknown claim mapping \(name); expected one of \(Preset.allCases.map(\.rawValue))")
            }
            self.init(preset: preset)
            return
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(preset: try c.decodeIfPresent(Preset.self, forKey: .preset) ?? .generic)
        func pointers(_ key: CodingKeys) throws -> [String]? {
            let list: [String]?
            if let one = try? c.decodeIfPresent(String.self, forKey: key) { list = [one] }
            else { list = try c.decodeIfPresent([String].self, forKey: key) }
            for p in list ?? [] where (try? JSONPointer(p)) == nil {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(p) is not a JSON pointer (like /groups)")
            }
            return list
        }
        subject = try pointers(.subject)
        name = try pointers(.name)
        email = try pointers(.email)
        emailVerified = try pointers(.emailVerified)?.first
        groups = try pointers(.groups)
        roles = try pointers(.roles)
        scopes = try pointers(.scopes)
        tenant = try pointers(.tenant)
        acr = try pointers(.acr)
        amr = try pointers(.amr)
        actorClient = try pointers(.actorClient)
        serviceWhen = try c.decodeIfPresent([KindRule].self, forKey: .serviceWhen)
        listSeparator = try c.decodeIfPresent(String.self, forKey: .listSeparator)
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        if let id = clientID {
            guard preset == .keycloak else {
                throw DecodingError.dataCorruptedError(forKey: .clientID, in: c, debugDescription: "client_id applies to the keycloak preset only")
            }
            guard !id.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .clientID, in: c, debugDescription: "client_id must not be empty")
            }
        }
        if let separator = listSeparator, separator.count != 1 {
            throw DecodingError.dataCorruptedError(forKey: .listSeparator, in: c, debugDescription: "list_separator is one character")
        }
    }
}
