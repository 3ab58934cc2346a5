/// One principal's current limits, what remains of them, and spend per budget period; served by
/// `GET /v1/usage`.
public struct UsageReport: Codable, Sendable, Hashable {
    public struct Window: Codable, Sendable, Hashable {
        public var limit: Int
        public var remaining: Int
        /// Seconds until the bucket is full again.
        public var resetSeconds: Double

        enum CodingKeys: String, CodingKey { case limit, remaining, resetSeconds = "reset_seconds" }
    }

    public struct RateLimitUsage: Codable, Sendable, Hashable {
        /// `principal`, `group`, `tenant`, `model` or `principal_model`.
        public var scope: String
        /// The group, tenant or model the bucket belongs to; nil for the principal's own bucket.
        public var name: String?
        /// Requests per minute.
        public var requests: Window?
        /// Tokens per minute.
        public var tokens: Window?
    }

    public struct BudgetUsage: Codable, Sendable, Hashable {
        /// `principal`, `group` or `tenant`.
        public var scope: String
        public var name: String?
        public var period: BudgetPeriod
        /// RFC 3339 UTC bounds of the current period (end exclusive).
        public var periodStart: String
        public var periodEnd: String
        public var limit: Double
        public var spent: Double
        /// Held by admissions still in flight.
        public var reserved: Double
        /// `limit − spent − reserved`, never below 0.
        public var remaining: Double

        enum CodingKeys: String, CodingKey {
            case scope, name, period, limit, spent, reserved, remaining
            case periodStart = "period_start"
            case periodEnd = "period_end"
        }
    }

    /// `issuer#subject`.
    public var principal: String
    public var currency: String
    public var rateLimits: [RateLimitUsage]
    public var budgets: [BudgetUsage]

    enum CodingKeys: String, CodingKey {
        case principal, currency, budgets
        case rateLimits = "rate_limits"
    }
}
