import Core
import Synchronization

/// Step 5 of the pipeline: rate limits and budgets. `admit` charges every rate-limit bucket that applies
/// and reserves the worst-case cost in every budget that applies, all or nothing; `settle` replaces the
/// estimates with what the provider reported; `release` gives back what a failed call did not use.
///
/// The stores may fail (a shared store is across a network). Admission then fails closed: what was charged is
/// given back (best effort) and the call is refused with `LimitRefusal.Kind.unavailable`. Everywhere else
/// (settling, headers, the sweep) a store failure is swallowed and counted in `storeFailures`.
public final class AdmissionControl: Sendable {
    public let configuration: LimitsConfiguration
    private let clock: any LimitsClock
    private let rules: RuleBook
    private let buckets: any RateLimitStore
    private let ledger: any BudgetStore
    private let pending = PendingAdmissions()
    private let principals: KnownPrincipals
    private let nextID = Atomic<UInt64>(1)
    /// Tells this instance's admissions from another's (e.g. across a configuration reload).
    private let instance = UInt64.random(in: 1...UInt64.max)
    private let nextSweep: Atomic<Int64>
    private let failures = Atomic<Int>(0)

    /// In-memory stores: every limit is enforced per gateway process.
    public convenience init(configuration: LimitsConfiguration, clock: any LimitsClock = SystemClock()) {
        self.init(
            configuration: configuration, clock: clock,
            buckets: InMemoryRateLimitStore(maxKeys: configuration.maxKeys), budgets: InMemoryBudgetStore())
    }

    /// Whether a store is across the network (a shared store): its operations are round trips.
    public var storesAreRemote: Bool { buckets.isRemote || ledger.isRemote }

    /// Limits over the given stores (e.g. stores shared by several gateway replicas).
    public init(configuration: LimitsConfiguration, clock: any LimitsClock, buckets: any RateLimitStore, budgets: any BudgetStore) {
        self.configuration = configuration
        self.clock = clock
        rules = RuleBook(configuration)
        self.buckets = buckets
        ledger = budgets
        principals = KnownPrincipals(capacity: configuration.maxKeys)
        nextSweep = Atomic(clock.now() + 60_000_000_000)
    }

    /// Admits one call or throws why not.
    /// - Parameters:
    ///   - estimatedInputTokens: `AIRequest.estimatedInputTokens`; charged to tokens-per-minute now and
    ///     corrected by `settle`.
    ///   - maxTokens: the caller's `max_tokens`, if any.
    ///   - chargeBudget: false for cache hits (they count against rate limits, not budgets).
    ///   - choices: how many answers the call asks for (chat `n`); each may use the whole output cap.
    public func admit(
        principal: Principal, model: ModelDescriptor, estimatedInputTokens: Int, maxTokens: Int?,
        obligations: Obligations, chargeBudget: Bool, choices: Int = 1
    ) async throws(LimitRefusal) -> Grant {
        let now = clock.now()
        await sweepIfDue(now)
        let caller = Caller(principal)
        principals.note(caller)
        let input = max(0, estimatedInputTokens)
        var cap: Int?
        for c in [maxTokens, obligations.maxTokens, model.maxOutputTokens] {
            if let c { cap = min(cap ?? c, c) }
        }
        let outputCap = max(0, cap ?? configuration.defaultMaxTokens)

        let targets = rules.buckets(for: caller, model: HashedName(model.name), obligations: obligations)
        let price = ModelPrice(model)
        var budgetTargets: [BudgetTarget] = []
        var reserved: Int64 = 0
        if chargeBudget {
            budgetTargets = rules.budgetTargets(for: caller, now: now)
            let (worstOutput, overflow) = outputCap.multipliedReportingOverflow(by: max(1, choices))
            reserved = budgetTargets.isEmpty ? 0 : price.cost(TokenUsage(inputTokens: input, outputTokens: overflow ? Int.max / 4 : worstOutput))
        }

        // Rate limits first, then budgets — one after the other even on shared stores: a reservation taken beside
        // a charge that is then refused would stand, for a moment, in the way of calls the limits allow (a burst
        // over the rate limit would make the budget look spent and refuse the calls within the rate).
        let tightest: HeaderReading, hasTokenBuckets: Bool
        switch await charge(targets, input, now: now) {
        case .success(let r): (tightest, hasTokenBuckets) = r
        case .failure(let refusal): throw refusal
        }
        switch await reserve(budgetTargets, reserved) {
        case .reserved:
            break
        case .unavailable:
            await undo(targets[...], tokens: input, now: now)
            throw .unavailable
        case .full(let full):
            await undo(targets[...], tokens: input, now: now)
            throw LimitRefusal(
                kind: .budgetExhausted, scope: full.key.scope.rawValue, period: full.key.period,
                waitNanos: full.periodEnd - now, retryable: false, rateHeaders: await headersNow(targets, now: now),
                message: "The \(full.key.scope.rawValue) \(full.key.period == .day ? "daily" : "monthly") budget is exhausted; it renews at \(UTCCalendar.timestamp(full.periodEnd)).")
        }

        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        if hasTokenBuckets || !budgetTargets.isEmpty {
            pending.insert(id, PendingAdmission(
                buckets: hasTokenBuckets ? targets : [], chargedTokens: input, budgets: budgetTargets,
                reserved: reserved, price: price, admittedAt: now))
        }
        return Grant(
            id: id, issuer: instance, maxTokens: outputCap, reservedCost: Money.amount(reserved), currency: configuration.currency,
            chargedBudget: !budgetTargets.isEmpty, headers: tightest.headers)
    }

    /// Charges bucket by bucket; on the first refusal (or store failure) gives back what it charged before.
    private func charge(
        _ targets: [(key: BucketKey, limits: BucketLimits)], _ input: Int, now: Int64
    ) async -> Result<(HeaderReading, Bool), LimitRefusal> {
        var tightest = HeaderReading()
        var hasTokenBuckets = false
        for (i, t) in targets.enumerated() {
            let outcome: ChargeOutcome
            do {
                outcome = try await buckets.charge(t.key, t.limits, countRequest: true, tokens: input, now: now)
            } catch {
                // Whether this bucket was charged is unknown: the ones before it are given back, it is left
                // as it may stand (over-counting fails closed).
                storeFailed()
                await undo(targets[..<i], tokens: input, now: now)
                return .failure(.unavailable)
            }
            switch outcome {
            case .admitted(let reading):
                tightest.add(reading)
                hasTokenBuckets = hasTokenBuckets || t.limits.tokens != nil
            case .refused(let onTokens, let wait, let tooLarge, let reading):
                await undo(targets[..<i], tokens: input, now: now)
                let headers = await headersNow(targets, now: now, replacing: i, with: reading)
                let what = onTokens ? "tokens" : "requests"
                let limit = (onTokens ? reading.tokens?.limit : reading.requests?.limit) ?? 0
                let message = tooLarge
                    ? "Request too large: about \(input) input tokens exceed the \(t.key.kind.scopeName) limit of \(limit) tokens per minute."
                    : "Rate limit reached for \(what) (\(t.key.kind.scopeName) limit: \(limit) per minute). Retry after \(RateLimitHeaders.retryAfterSeconds(wait))s."
                return .failure(LimitRefusal(
                    kind: onTokens ? .rateLimitTokens : .rateLimitRequests, scope: t.key.kind.scopeName,
                    waitNanos: wait, retryable: !tooLarge, rateHeaders: headers, message: message))
            }
        }
        return .success((tightest, hasTokenBuckets))
    }

    /// What reserving the worst case in every budget (or in none) came to.
    private enum Reservation {
        case reserved
        case full(BudgetTarget)
        case unavailable
    }

    private func reserve(_ targets: [BudgetTarget], _ amount: Int64) async -> Reservation {
        guard !targets.isEmpty else { return .reserved }
        do {
            guard let full = try await ledger.reserve(targets, amount: amount) else { return .reserved }
            return .full(full)
        } catch {
            storeFailed()
            return .unavailable
        }
    }

    /// The `x-ratelimit-*` headers for `principal` as its buckets stand now, charging nothing: for answers
    /// that end before admission (invalid request, policy denial, request guardrail block). None when the
    /// store cannot answer.
    public func currentHeaders(for principal: Principal, model: ModelDescriptor?) async -> [(String, String)] {
        let now = clock.now()
        return await headersNow(rules.buckets(for: Caller(principal), model: model.map { HashedName($0.name) }, obligations: .none), now: now)
    }

    /// The call finished (for streams: when the stream ended) and the provider reported `usage`.
    /// Tokens-per-minute buckets are corrected to the real total; budgets are charged the real cost
    /// instead of the reservation. Cache hits: pass the cached usage (only rate limits are touched).
    /// - Parameter servedBy: the model target that served the call when it was not the one admitted (a
    ///   fallback): the call is charged at its prices.
    /// A store failure is counted (`storeFailures`); the correction is lost, the call is not refused after the fact.
    public func settle(_ admission: Grant, usage: TokenUsage, servedBy: ModelDescriptor? = nil) async {
        guard admission.issuer == instance, let p = pending.remove(admission.id) else { return }
        let now = clock.now()
        // Reported counts are not trusted to be sane: negative values would hand out credit.
        let usage = TokenUsage(
            inputTokens: max(0, usage.inputTokens), outputTokens: max(0, usage.outputTokens),
            cacheWriteTokens: max(0, usage.cacheWriteTokens), cacheReadTokens: max(0, usage.cacheReadTokens))
        let sum = [usage.outputTokens, usage.cacheWriteTokens, usage.cacheReadTokens].reduce(usage.inputTokens) {
            let (total, overflow) = $0.addingReportingOverflow($1)
            return overflow ? Int.max : total
        }
        let delta = sum >= Int.max / 2 ? Int.max / 2 : sum - p.chargedTokens
        var corrections: [@Sendable () async throws -> Void] = []
        for t in p.buckets where t.limits.tokens != nil {
            corrections.append { [buckets] in try await buckets.adjust(t.key, t.limits, requests: 0, tokens: delta, now: now) }
        }
        if !p.budgets.isEmpty {
            let actual = (servedBy.map(ModelPrice.init) ?? p.price).cost(usage)
            corrections.append { [ledger] in try await ledger.settle(p.budgets, reserved: p.reserved, actual: actual) }
        }
        await counted(corrections)
    }

    /// The call failed before a billable answer: the budget reservation and the token estimate are given
    /// back. The request itself still counts against requests per minute. Store failures are counted.
    public func release(_ admission: Grant) async {
        guard admission.issuer == instance, let p = pending.remove(admission.id) else { return }
        let now = clock.now()
        var givebacks: [@Sendable () async throws -> Void] = []
        for t in p.buckets where t.limits.tokens != nil {
            givebacks.append { [buckets] in try await buckets.adjust(t.key, t.limits, requests: 0, tokens: -p.chargedTokens, now: now) }
        }
        if !p.budgets.isEmpty { givebacks.append { [ledger] in try await ledger.release(p.budgets, reserved: p.reserved) } }
        await counted(givebacks)
    }

    /// Gives back a refused call's charges, best effort (a failure is counted and the rest still given back).
    private func undo(_ charged: ArraySlice<(key: BucketKey, limits: BucketLimits)>, tokens: Int, now: Int64) async {
        for t in charged {
            await counted { try await buckets.adjust(t.key, t.limits, requests: -1, tokens: -tokens, now: now) }
        }
    }

    /// Runs one store operation whose failure the caller can do nothing about, counting a failure.
    private func counted(_ operation: () async throws -> Void) async {
        do { try await operation() } catch { storeFailed() }
    }

    /// Runs independent store operations, each counted on failure: one after the other on local stores, at the
    /// same time when a store is across the network (a call's corrections then cost one round trip, not one each).
    private func counted(_ operations: [@Sendable () async throws -> Void]) async {
        guard operations.count > 1, storesAreRemote else {
            for operation in operations { await counted(operation) }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for operation in operations { group.addTask { await self.counted(operation) } }
        }
    }

    func storeFailed() { failures.wrappingAdd(1, ordering: .relaxed) }

    private func headersNow(
        _ targets: [(key: BucketKey, limits: BucketLimits)], now: Int64, replacing index: Int? = nil,
        with reading: BucketReading? = nil
    ) async -> [(String, String)] {
        var tightest = HeaderReading()
        for (i, t) in targets.enumerated() {
            if i == index, let reading {
                tightest.add(reading)
                continue
            }
            do { tightest.add(try await buckets.peek(t.key, t.limits, now: now)) } catch {
                storeFailed()
                return []
            }
        }
        return tightest.headers
    }

    /// Once a minute: close admissions older than the reservation timeout (a caller that never settled)
    /// by charging their worst case — the call may well have happened, and money fails closed — and forget
    /// budget accounts of ended periods. Store failures are counted; an admission whose settling failed is
    /// not retried.
    private func sweepIfDue(_ now: Int64) async {
        let due = nextSweep.load(ordering: .relaxed)
        guard now >= due,
              nextSweep.compareExchange(expected: due, desired: now + 60_000_000_000, ordering: .relaxed).exchanged
        else { return }
        let cutoff = now - Int64(configuration.reservationTimeoutSeconds) * 1_000_000_000
        for p in pending.removeAdmitted(before: cutoff) where !p.budgets.isEmpty {
            await counted { try await ledger.settle(p.budgets, reserved: p.reserved, actual: p.reserved) }
        }
        let day = UTCCalendar.window(.day, at: now).index, month = UTCCalendar.window(.month, at: now).index
        await counted { try await ledger.forgetEnded(currentDay: day, currentMonth: month) }
    }

    /// The per-tool limits of MCP calls, in the same stores (so shared by the replicas when these are) and
    /// counting their store failures here.
    public func toolCallLimits() -> ToolCallLimits {
        ToolCallLimits(
            buckets: buckets, ledger: ledger, clock: clock,
            sweep: { [self] now in await sweepIfDue(now) }, onFailure: { [self] in storeFailed() })
    }

    // MARK: - Introspection

    /// Rate-limit buckets currently held in memory (bounded by `max_keys`).
    public var trackedBuckets: Int { buckets.count }
    /// Active buckets dropped because `max_keys` was reached (should stay 0; raise `max_keys` if not).
    public var evictedActiveBuckets: Int { buckets.evictedActive }
    /// Admissions neither settled nor released yet.
    public var openAdmissions: Int { pending.count }
    /// Store operations that failed since start: the admissions refused for it, and the corrections, headers
    /// and sweeps that were lost.
    public var storeFailures: Int { failures.load(ordering: .relaxed) }

    var knownPrincipals: [Principal] { principals.all }

    var internals: (buckets: any RateLimitStore, rules: RuleBook, ledger: any BudgetStore, clock: any LimitsClock) {
        (buckets, rules, ledger, clock)
    }
}
