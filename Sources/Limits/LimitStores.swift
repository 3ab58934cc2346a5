/// Where rate-limit bucket state lives. `InMemoryRateLimitStore` is the default; a store shared by several
/// gateway replicas (the scale-out work) implements the same operations, each atomic per bucket, with the GCRA
/// arithmetic of `GCRA.take` / `adjust` / `status` over the bucket's two theoretical arrival times.
/// Inject one with `AdmissionControl(configuration:clock:buckets:budgets:)`.
public protocol RateLimitStore: Sendable {
    /// Charges one request (if `countRequest`) and `tokens` tokens to one bucket, or neither.
    func charge(_ key: BucketKey, _ limits: BucketLimits, countRequest: Bool, tokens: Int, now: Int64) -> ChargeOutcome
    /// Adds (positive) or gives back (negative) requests and tokens without a check.
    func adjust(_ key: BucketKey, _ limits: BucketLimits, requests: Int, tokens: Int, now: Int64)
    func peek(_ key: BucketKey, _ limits: BucketLimits, now: Int64) -> BucketReading
    /// Buckets held, and active ones dropped for want of room.
    var count: Int { get }
    var evictedActive: Int { get }
}

/// Where budget accounts live. `InMemoryBudgetStore` is the default; a shared store must keep `reserve`
/// all-or-nothing across the targets and atomic against concurrent reservations.
public protocol BudgetStore: Sendable {
    /// Reserves `amount` in every target, or in none; returns the first target that could not take it.
    func reserve(_ targets: [BudgetTarget], amount: Int64) -> BudgetTarget?
    /// Replaces a reservation with the real cost.
    func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64)
    func release(_ targets: [BudgetTarget], reserved: Int64)
    func account(_ key: LedgerKey) -> Account
    /// Forgets accounts of periods that have ended and have nothing outstanding.
    func forgetEnded(currentDay: Int64, currentMonth: Int64)
}
