/// `administration:` — who may read gateway-wide operational data (everyone's usage).
public struct AdministrationConfiguration: Sendable, Decodable {
    /// Principals with any of these roles or groups are administrators.
    public var roles: [String]
    public var groups: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case roles, groups
    }

    public init(roles: [String] = ["portcullis-admin"], groups: [String] = []) {
        self.roles = roles
        self.groups = groups
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? ["portcullis-admin"]
        groups = try c.decodeIfPresent([String].self, forKey: .groups) ?? []
    }
}
