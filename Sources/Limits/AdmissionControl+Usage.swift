import Core

extension AdmissionControl {
    /// The caller's own limits, what remains, and budget spend in the current UTC day and month.
    /// Policy-imposed rates are per request and not listed.
    /// - Throws: the store's error when it cannot answer (counted in `storeFailures`).
    public func usage(for principal: Principal) async throws -> UsageReport {
        let (buckets, rules, ledger, clock) = internals
        let now = clock.now()
        let caller = Caller(principal)
        var rates: [UsageReport.RateLimitUsage] = []
        // Model buckets depend on the model asked for; list those of the principal's own scopes.
        for t in rules.buckets(for: caller, model: nil, obligations: .none) {
            let r = try await countingFailure { try await buckets.peek(t.key, t.limits, now: now) }
            rates.append(UsageReport.RateLimitUsage(
                scope: t.key.kind.scopeName, name: caller.label(t.key.name),
                requests: r.requests.map(Self.window), tokens: r.tokens.map(Self.window)))
        }
        var budgets: [UsageReport.BudgetUsage] = []
        for t in rules.budgetTargets(for: caller, now: now) {
            let a = try await countingFailure { try await ledger.account(t.key) }
            let w = UTCCalendar.window(t.key.period, at: now)
            budgets.append(UsageReport.BudgetUsage(
                scope: t.key.scope.rawValue, name: caller.label(t.key.name), period: t.key.period,
                periodStart: UTCCalendar.timestamp(w.start), periodEnd: UTCCalendar.timestamp(w.end),
                limit: Money.amount(t.limit), spent: Money.amount(a.spent), reserved: Money.amount(a.reserved),
                remaining: Money.amount(max(0, t.limit - min(t.limit, a.spent.addingSaturating(a.reserved))))))
        }
        return UsageReport(principal: principal.id, currency: configuration.currency, rateLimits: rates, budgets: budgets)
    }

    /// Usage of every principal admitted recently (bounded by `max_keys`), for an administrator.
    /// - Throws: the store's error when it cannot answer for one of them (a partial listing would mislead).
    public func usageForAll() async throws -> [UsageReport] {
        var reports: [UsageReport] = []
        for principal in knownPrincipals { reports.append(try await usage(for: principal)) }
        return reports
    }

    private func countingFailure<T>(_ read: () async throws -> T) async throws -> T {
        do { return try await read() } catch {
            storeFailed()
            throw error
        }
    }

    fileprivate static func window(_ s: GCRA.Status) -> UsageReport.Window {
        UsageReport.Window(limit: s.limit, remaining: s.remaining, resetSeconds: Double(s.reset) / 1e9)
    }
}

extension Caller {
    /// The group or tenant name a bucket or account key stands for, as the issuer asserted it; nil for the
    /// principal's own.
    fileprivate func label(_ key: HashedName) -> String? {
        if key == self.key { return nil }
        if let t = tenant, t == key { return t.text }
        if let a = actor, a == key || principalActor == key { return a.text }
        return groups.first { $0 == key }?.text
    }
}
