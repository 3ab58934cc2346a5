import Core

/// `administration:` — who may read gateway-wide operational data (everyone's usage on `GET /v1/usage`).
///
/// ```yaml
/// administration:
///   issuers: [staff]            # issuer names (or exact iss / spiffe://trust-domain) whose roles and groups count
///   roles: [portcullis-admin]
///   groups: []
/// ```
/// A role or group makes an administrator only when asserted by one of `issuers`: a partner IdP that puts
/// `portcullis-admin` into its tokens gains nothing. Without `issuers`, the only trusted identity source is
/// used when there is exactly one; with several, nobody is an administrator until `issuers` names them.
public struct AdministrationConfiguration: Sendable, Decodable {
    /// Principals with any of these roles or groups are administrators.
    public var roles: [String]
    public var groups: [String]
    /// Issuer references as written in the file (nil: not given).
    public var issuers: [String]?
    /// `issuers` resolved to `Principal.issuer` values at start-up (see `IdentitySources`).
    public internal(set) var trustedIssuers: Set<String> = []

    enum CodingKeys: String, CodingKey, CaseIterable {
        case roles, groups, issuers
    }

    public init(roles: [String] = ["portcullis-admin"], groups: [String] = [], issuers: [String]? = nil) {
        self.roles = roles
        self.groups = groups
        self.issuers = issuers
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? ["portcullis-admin"]
        groups = try c.decodeIfPresent([String].self, forKey: .groups) ?? []
        issuers = try c.decodeIfPresent([String].self, forKey: .issuers)
    }

    /// Whether `principal` may see everyone's usage.
    public func isAdministrator(_ principal: Core.Principal) -> Bool {
        trustedIssuers.contains(principal.issuer)
            && (principal.roles.contains(where: roles.contains) || principal.groups.contains(where: groups.contains))
    }

    /// Resolves `issuers` against the trusted identity sources.
    mutating func resolve(_ sources: IdentitySources, path: [any CodingKey]) throws {
        guard let issuers else {
            trustedIssuers = sources.single.map { [$0] } ?? []
            return
        }
        var resolved = Set<String>()
        for (i, reference) in issuers.enumerated() {
            guard let iss = sources.resolve(reference) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: path + [CodingKeys.issuers, Core.AnyCodingKey(intValue: i)],
                    debugDescription: "'\(reference)' is not a trusted issuer; expected one of: \(sources.described)"))
            }
            resolved.insert(iss)
        }
        trustedIssuers = resolved
    }
}
