/// Where rate-limit bucket state lives. `InMemoryRateLimitStore` is the default; a store shared by several
/// gateway replicas (the scale-out work) implements the same operations, each atomic per bucket, with the GCRA
/// arithmetic of `GCRA.take` / `adjust` / `status` over the bucket's two theoretical arrival times.
/// Inject one with `AdmissionControl(configuration:clock:buckets:budgets:)`.
///
/// The operations may suspend and may throw (a shared store is across a network). A throw means "cannot
/// answer": `AdmissionControl` then refuses the call (fails closed) and gives back what it had charged.
public protocol RateLimitStore: Sendable {
    /// Charges one request (if `countRequest`) and `tokens` tokens to one bucket, or neither.
    func charge(_ key: BucketKey, _ limits: BucketLimits, countRequest: Bool, tokens: Int, now: Int64) async throws -> ChargeOutcome
    /// Adds (positive) or gives back (negative) requests and tokens without a check.
    func adjust(_ key: BucketKey, _ limits: BucketLimits, requests: Int, tokens: Int, now: Int64) async throws
    /// The bucket as it stands at `now`, charging nothing.
    func peek(_ key: BucketKey, _ limits: BucketLimits, now: Int64) async throws -> BucketReading
    /// Buckets held, and active ones dropped for want of room: local figures (a shared store reports what it
    /// knows without asking), read synchronously for introspection and metrics.
    var count: Int { get }
    var evictedActive: Int { get }
    /// Whether operations go across the network: independent ones are then run concurrently.
    var isRemote: Bool { get }
}

extension RateLimitStore {
    public var isRemote: Bool { false }
}

/// Where budget accounts live. `InMemoryBudgetStore` is the default; a shared store must keep `reserve`
/// all-or-nothing across the targets and atomic against concurrent reservations. As for `RateLimitStore`,
/// a throw means "cannot answer" and the call is refused.
public protocol BudgetStore: Sendable {
    /// Reserves `amount` in every target, or in none; returns the first target that could not take it.
    func reserve(_ targets: [BudgetTarget], amount: Int64) async throws -> BudgetTarget?
    /// Replaces a reservation with the real cost.
    func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64) async throws
    /// Gives a reservation back.
    func release(_ targets: [BudgetTarget], reserved: Int64) async throws
    /// An account's spend and outstanding reservations.
    func account(_ key: LedgerKey) async throws -> Account
    /// Forgets accounts of periods that have ended and have nothing outstanding.
    func forgetEnded(currentDay: Int64, currentMonth: Int64) async throws
    /// Whether operations go across the network: independent ones are then run concurrently.
    var isRemote: Bool { get }
}

extension BudgetStore {
    public var isRemote: Bool { false }
}
