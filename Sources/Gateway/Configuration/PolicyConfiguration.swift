/// `policy:` — where the Cedar policies live and how decisions are exposed.
public struct PolicyConfiguration: Sendable, Decodable {
    /// `.cedar` files, concatenated in order. Required: with no policies everything is denied.
    public var files: [String]
    /// Optional Cedar JSON entities file (group hierarchy, extra entities).
    public var entities: String?
    /// Do not name the denying policy in 403 bodies (ids still go to the audit record).
    public var hidePolicyIDs: Bool
    /// How often policy files are checked for changes (SIGHUP reloads at once).
    public var reloadIntervalSeconds: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case files, entities
        case hidePolicyIDs = "hide_policy_ids"
        case reloadIntervalSeconds = "reload_interval_seconds"
    }

    public init(files: [String], entities: String? = nil, hidePolicyIDs: Bool = false, reloadIntervalSeconds: Double = 2) {
        self.files = files
        self.entities = entities
        self.hidePolicyIDs = hidePolicyIDs
        self.reloadIntervalSeconds = reloadIntervalSeconds
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.decode([String].self, forKey: .files)
        guard !files.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .files, in: c, debugDescription: "expected at least one .cedar file (default deny would refuse every request)")
        }
        entities = try c.decodeIfPresent(String.self, forKey: .entities)
        hidePolicyIDs = try c.decodeIfPresent(Bool.self, forKey: .hidePolicyIDs) ?? false
        reloadIntervalSeconds = try c.decodeIfPresent(Double.self, forKey: .reloadIntervalSeconds) ?? 2
        guard reloadIntervalSeconds > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .reloadIntervalSeconds, in: c, debugDescription: "expected a positive number of seconds")
        }
    }
}
