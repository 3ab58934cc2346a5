/// What `AdmissionControl` granted one request: its reservation. Hand it back exactly once to `settle` (the call completed,
/// streams included, with the usage the provider reported) or `release` (it failed before producing a
/// billable answer); later calls with the same admission do nothing.
public struct Grant: Sendable {
    /// Reservation id, unique per `AdmissionControl`.
    public let id: UInt64
    /// The `AdmissionControl` instance that issued it; another instance ignores it.
    let issuer: UInt64
    /// The output cap to forward upstream: the smallest of the caller's `max_tokens`, the policy's cap
    /// and the model's `max_output_tokens`, or the configured default when none is set. The budget
    /// reservation assumes this many output tokens.
    public let maxTokens: Int
    /// Worst-case cost reserved against the budgets, in `currency` (0 when no budget was charged).
    public let reservedCost: Double
    public let currency: String
    /// Whether budgets were charged (false for cache hits).
    public let chargedBudget: Bool
    /// `x-ratelimit-*` headers for the response (empty when no rate limit applies to this request).
    public let headers: [(String, String)]
}
