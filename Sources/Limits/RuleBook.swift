import Core

/// The names one request is limited and charged under, hashed once per request. Every identity name is
/// qualified by its issuer (length-prefixed, so neither part can forge the boundary): a group `eng` or a
/// tenant `acme` asserted by one issuer is never the same bucket, budget or cache scope as the same name
/// asserted by another.
struct Caller: Sendable {
    let principal: Principal
    /// The subject under its issuer: the principal key (unlike `issuer#subject`, unambiguous when either
    /// contains `#`).
    let key: HashedName
    let groups: [HashedName]
    let tenant: HashedName?
    /// The nearest actor's subject under its issuer (a delegated call), and the (principal, actor) pair: the
    /// actor's subject under its issuer, joined to the principal key (length-prefixed, so no part forges another).
    let actor: HashedName?
    let principalActor: HashedName?

    init(_ p: Principal) {
        principal = p
        let issuer = p.issuer, digest = issuer.hashValue
        key = HashedName(issuer: issuer, issuerDigest: digest, text: p.subject)
        groups = p.groups.map { HashedName(issuer: issuer, issuerDigest: digest, text: $0) }
        tenant = p.tenant.map { HashedName(issuer: issuer, issuerDigest: digest, text: $0) }
        if let a = p.actor {
            let actorDigest = a.issuer.hashValue
            actor = HashedName(issuer: a.issuer, issuerDigest: actorDigest, text: a.subject)
            principalActor = HashedName(
                issuer: a.issuer, issuerDigest: actorDigest, text: "\(a.subject.utf8.count):\(a.subject)|" + Self.key(p))
        } else {
            actor = nil
            principalActor = nil
        }
    }

    static func key(_ p: Principal) -> String { qualified(p.issuer, p.subject) }

    /// `<byte length of issuer>:<issuer>#<name>`.
    static func qualified(_ issuer: String, _ name: String) -> String { "\(issuer.utf8.count):\(issuer)#\(name)" }
}

/// The configured rules, indexed for O(1) resolution per request. Within one scope the most specific rule
/// wins: a name under its issuer, then the name under any issuer, then `*` for that issuer, then `*`.
/// Rules of different scopes all apply, and so does one rule per group the principal belongs to.
struct RuleBook: Sendable {
    struct Table<Rule: Sendable>: Sendable {
        /// Names under any issuer.
        var exact: [String: Rule] = [:]
        /// Names under one issuer.
        var exactByIssuer: [HashedName: Rule] = [:]
        var wildcard: Rule?
        var wildcardByIssuer: [String: Rule] = [:]

        /// Model names (no issuer).
        func rule(for name: String) -> Rule? {
            exact.isEmpty ? wildcard : exact[name] ?? wildcard
        }

        /// An identity name (principal subject, group, tenant) asserted by `issuer`.
        func rule(for name: HashedName) -> Rule? {
            if !exactByIssuer.isEmpty, let r = exactByIssuer[name] { return r }
            if !exact.isEmpty, let r = exact[name.text] { return r }
            if !wildcardByIssuer.isEmpty, let r = wildcardByIssuer[name.issuer] { return r }
            return wildcard
        }

        mutating func add(_ match: String, issuer: String?, _ rule: Rule) {
            switch (match == "*", issuer) {
            case (true, nil): wildcard = rule
            case (true, let i?): wildcardByIssuer[i] = rule
            case (false, nil): exact[match] = rule
            case (false, let i?): exactByIssuer[HashedName(issuer: i, issuerDigest: i.hashValue, text: match)] = rule
            }
        }
    }

    struct BudgetLimits: Sendable {
        var daily: Int64?
        var monthly: Int64?
    }

    /// One table per scope (stored fields, not a dictionary: no hashing to find them).
    struct Scoped<Rule: Sendable>: Sendable {
        var principal: Table<Rule>?
        var group: Table<Rule>?
        var tenant: Table<Rule>?
        var model: Table<Rule>?
        var principalModel: Table<Rule>?
        var actor: Table<Rule>?
        var principalActor: Table<Rule>?
    }

    var rates = Scoped<BucketLimits>()
    var budgets = Scoped<BudgetLimits>()
    let hasBudgets: Bool

    init(_ configuration: LimitsConfiguration) {
        func add<R>(_ t: inout Table<R>?, _ match: String, _ issuer: String?, _ rule: R) {
            var table = t ?? Table()
            table.add(match, issuer: issuer, rule)
            t = table
        }
        for r in configuration.rateLimits {
            let l = BucketLimits(requestsPerMinute: r.requestsPerMinute, tokensPerMinute: r.tokensPerMinute)
            switch r.scope {
            case .principal: add(&rates.principal, r.match, r.issuer, l)
            case .group: add(&rates.group, r.match, r.issuer, l)
            case .tenant: add(&rates.tenant, r.match, r.issuer, l)
            case .model: add(&rates.model, r.match, nil, l)
            case .principalModel: add(&rates.principalModel, r.match, nil, l)
            case .actor: add(&rates.actor, r.match, r.issuer, l)
            case .principalActor: add(&rates.principalActor, r.match, r.issuer, l)
            }
        }
        for b in configuration.budgets {
            let l = BudgetLimits(daily: b.daily.map(Money.nanos), monthly: b.monthly.map(Money.nanos))
            switch b.scope {
            case .principal: add(&budgets.principal, b.match, b.issuer, l)
            case .group: add(&budgets.group, b.match, b.issuer, l)
            case .tenant: add(&budgets.tenant, b.match, b.issuer, l)
            case .actor: add(&budgets.actor, b.match, b.issuer, l)
            case .principalActor: add(&budgets.principalActor, b.match, b.issuer, l)
            }
        }
        hasBudgets = !configuration.budgets.isEmpty
    }

    /// Every bucket one request of `caller` for `model` is charged to.
    func buckets(for c: Caller, model: HashedName?, obligations: Obligations) -> [(key: BucketKey, limits: BucketLimits)] {
        var out: [(key: BucketKey, limits: BucketLimits)] = []
        out.reserveCapacity(4 + c.groups.count)
        func add(_ kind: BucketKey.Kind, _ name: HashedName, _ model: HashedName, _ l: BucketLimits) {
            out.append((BucketKey(kind: kind, name: name, model: model, requestLimit: l.requests?.limit ?? 0,
                                  tokenLimit: l.tokens?.limit ?? 0), l))
        }
        if let l = rates.principal?.rule(for: c.key) { add(.principal, c.key, .empty, l) }
        if let table = rates.group {
            for g in c.groups { if let l = table.rule(for: g) { add(.group, g, .empty, l) } }
        }
        if let t = c.tenant, let l = rates.tenant?.rule(for: t) { add(.tenant, t, .empty, l) }
        if let m = model {
            if let l = rates.model?.rule(for: m.text) { add(.model, m, .empty, l) }
            if let l = rates.principalModel?.rule(for: m.text) { add(.principalModel, c.key, m, l) }
        }
        if let a = c.actor {
            if let l = rates.actor?.rule(for: a) { add(.actor, a, .empty, l) }
            if let l = rates.principalActor?.rule(for: a), let pair = c.principalActor { add(.principalActor, c.key, pair, l) }
        }
        if obligations.requestsPerMinute != nil || obligations.tokensPerMinute != nil {
            let l = BucketLimits(
                requestsPerMinute: obligations.requestsPerMinute.map { max(1, $0) },
                tokensPerMinute: obligations.tokensPerMinute.map { max(1, $0) })
            add(.obligation, c.key, .empty, l)
        }
        return out
    }

    /// Every budget account a request of `caller` is charged to at `now`.
    func budgetTargets(for c: Caller, now: Int64) -> [BudgetTarget] {
        guard hasBudgets else { return [] }
        var out: [BudgetTarget] = []
        out.reserveCapacity(4)
        var day: PeriodWindow?
        var month: PeriodWindow?
        func add(_ scope: BudgetRule.Scope, _ name: HashedName, _ l: BudgetLimits) {
            if let limit = l.daily {
                let w = day ?? UTCCalendar.window(.day, at: now)
                day = w
                out.append(BudgetTarget(key: LedgerKey(scope: scope, name: name, period: .day, index: w.index), limit: limit, periodEnd: w.end))
            }
            if let limit = l.monthly {
                let w = month ?? UTCCalendar.window(.month, at: now)
                month = w
                out.append(BudgetTarget(key: LedgerKey(scope: scope, name: name, period: .month, index: w.index), limit: limit, periodEnd: w.end))
            }
        }
        if let l = budgets.principal?.rule(for: c.key) { add(.principal, c.key, l) }
        if let table = budgets.group {
            for g in c.groups { if let l = table.rule(for: g) { add(.group, g, l) } }
        }
        if let t = c.tenant, let l = budgets.tenant?.rule(for: t) { add(.tenant, t, l) }
        if let a = c.actor {
            if let l = budgets.actor?.rule(for: a) { add(.actor, a, l) }
            if let l = budgets.principalActor?.rule(for: a), let pair = c.principalActor { add(.principalActor, pair, l) }
        }
        return out
    }
}
