import Core

/// One configured spending budget, in the configuration's currency, per UTC day and/or UTC month.
///
/// ```yaml
/// - scope: tenant        # principal | group | tenant | actor | principal_actor
///   match: "*"           # a name, or "*" for "each one separately"
///   issuer: staff        # optional: only that issuer's names (see RateLimitRule.issuer)
///   daily: 50.0
///   monthly: 1000.0
/// ```
public struct BudgetRule: Codable, Sendable, Hashable {
    public enum Scope: String, Codable, Sendable, Hashable, CaseIterable {
        case principal, group, tenant
        /// The acting service of a delegated call (its nearest actor), whoever it acts for.
        case actor
        /// One account per (user, acting service) pair.
        case principalActor = "principal_actor"
    }

    public var scope: Scope
    public var match: String
    public var daily: Double?
    public var monthly: Double?
    /// The issuer whose names `match` refers to; nil matches the name under any issuer. Accounts are per
    /// issuer either way (see `RateLimitRule.issuer`).
    public var issuer: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope, match, daily, monthly, issuer
    }

    public init(scope: Scope, match: String = "*", daily: Double? = nil, monthly: Double? = nil, issuer: String? = nil) throws {
        guard daily != nil || monthly != nil else {
            throw LimitsConfigurationError("budget \(scope.rawValue)/\(match): set daily or monthly")
        }
        guard Self.valid(daily), Self.valid(monthly) else {
            throw LimitsConfigurationError("budget \(scope.rawValue)/\(match): amounts must be finite and not negative")
        }
        guard !match.isEmpty else { throw LimitsConfigurationError("budget \(scope.rawValue): match must not be empty") }
        self.scope = scope
        self.match = match
        guard issuer?.isEmpty != true else { throw LimitsConfigurationError("budget \(scope.rawValue)/\(match): issuer must not be empty") }
        self.daily = daily
        self.monthly = monthly
        self.issuer = issuer
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scope = try c.decode(Scope.self, forKey: .scope)
        match = try c.decodeIfPresent(String.self, forKey: .match) ?? "*"
        daily = try c.decodeIfPresent(Double.self, forKey: .daily)
        monthly = try c.decodeIfPresent(Double.self, forKey: .monthly)
        issuer = try c.decodeIfPresent(String.self, forKey: .issuer)
        try LimitsConfigurationError.check(issuer?.isEmpty != true, "issuer must not be empty", key: .issuer, in: c)
        try LimitsConfigurationError.check(!match.isEmpty, "match must not be empty", key: .match, in: c)
        try LimitsConfigurationError.check(daily != nil || monthly != nil, "set daily or monthly", key: .daily, in: c)
        try LimitsConfigurationError.check(Self.valid(daily), "expected an amount >= 0", key: .daily, in: c)
        try LimitsConfigurationError.check(Self.valid(monthly), "expected an amount >= 0", key: .monthly, in: c)
    }

    static func valid(_ amount: Double?) -> Bool {
        guard let amount else { return true }
        return amount.isFinite && amount >= 0 && amount < 9.0e9
    }

    func amount(for period: BudgetPeriod) -> Double? {
        period == .day ? daily : monthly
    }
}
