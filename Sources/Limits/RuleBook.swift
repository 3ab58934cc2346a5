import Core

/// The configured rules, indexed for O(1) resolution per request. Within one scope the most specific rule
/// wins (an exact match over `*`); rules of different scopes all apply, and so does one rule per group the
/// principal belongs to.
struct RuleBook: Sendable {
    struct Table<Rule: Sendable>: Sendable {
        var exact: [String: Rule] = [:]
        var wildcard: Rule?

        func rule(for names: String?...) -> Rule? {
            for case let name? in names { if let r = exact[name] { return r } }
            return wildcard
        }

        mutating func add(_ match: String, _ rule: Rule) {
            if match == "*" { wildcard = rule } else { exact[match] = rule }
        }

        var isEmpty: Bool { exact.isEmpty && wildcard == nil }
    }

    struct BudgetLimits: Sendable {
        var daily: Int64?
        var monthly: Int64?
    }

    var rates: [RateLimitRule.Scope: Table<BucketLimits>] = [:]
    var budgets: [BudgetRule.Scope: Table<BudgetLimits>] = [:]

    init(_ configuration: LimitsConfiguration) {
        for r in configuration.rateLimits {
            rates[r.scope, default: Table()].add(
                r.match, BucketLimits(requestsPerMinute: r.requestsPerMinute, tokensPerMinute: r.tokensPerMinute))
        }
        for b in configuration.budgets {
            budgets[b.scope, default: Table()].add(
                b.match, BudgetLimits(daily: b.daily.map(Money.nanos), monthly: b.monthly.map(Money.nanos)))
        }
    }

    /// An unambiguous bucket name for a principal (`issuer#subject` alone is ambiguous when either
    /// contains `#`).
    static func principalKey(_ p: Principal) -> String {
        "\(p.issuer.utf8.count):\(p.issuer)#\(p.subject)"
    }

    /// Every bucket one request of `principal` for `model` is charged to.
    func buckets(for p: Principal, principalKey pk: String, model: String, obligations: Obligations)
        -> [(key: BucketKey, limits: BucketLimits)]
    {
        var out: [(key: BucketKey, limits: BucketLimits)] = []
        out.reserveCapacity(4 + p.groups.count)
        func add(_ kind: BucketKey.Kind, _ name: String, _ model: String, _ l: BucketLimits) {
            out.append((BucketKey(kind: kind, name: name, model: model, requestLimit: l.requests?.limit ?? 0,
                                  tokenLimit: l.tokens?.limit ?? 0), l))
        }
        if let l = rates[.principal]?.rule(for: p.id, p.subject) { add(.principal, pk, "", l) }
        if let table = rates[.group] {
            for g in p.groups { if let l = table.rule(for: g) { add(.group, g, "", l) } }
        }
        if let t = p.tenant, let l = rates[.tenant]?.rule(for: t) { add(.tenant, t, "", l) }
        if let l = rates[.model]?.rule(for: model) { add(.model, model, "", l) }
        if let l = rates[.principalModel]?.rule(for: model) { add(.principalModel, pk, model, l) }
        if obligations.requestsPerMinute != nil || obligations.tokensPerMinute != nil {
            let l = BucketLimits(
                requestsPerMinute: obligations.requestsPerMinute.map { max(1, $0) },
                tokensPerMinute: obligations.tokensPerMinute.map { max(1, $0) })
            add(.obligation, pk, "", l)
        }
        return out
    }

    /// Every budget account a request of `principal` is charged to at `now`.
    func budgetTargets(for p: Principal, principalKey pk: String, now: Int64) -> [BudgetTarget] {
        guard !budgets.isEmpty else { return [] }
        var out: [BudgetTarget] = []
        func add(_ scope: BudgetRule.Scope, _ name: String, _ l: BudgetLimits) {
            for (period, limit) in [(BudgetPeriod.day, l.daily), (.month, l.monthly)] {
                guard let limit else { continue }
                let w = UTCCalendar.window(period, at: now)
                out.append(BudgetTarget(
                    key: LedgerKey(scope: scope, name: name, period: period, index: w.index), limit: limit, periodEnd: w.end))
            }
        }
        if let l = budgets[.principal]?.rule(for: p.id, p.subject) { add(.principal, pk, l) }
        if let table = budgets[.group] {
            for g in p.groups { if let l = table.rule(for: g) { add(.group, g, l) } }
        }
        if let t = p.tenant, let l = budgets[.tenant]?.rule(for: t) { add(.tenant, t, l) }
        return out
    }
}
