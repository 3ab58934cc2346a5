import Synchronization

/// One budget account: a scope, a name and one UTC period.
public struct LedgerKey: Hashable, Sendable {
    public internal(set) var scope: BudgetRule.Scope
    /// The principal, group or tenant, qualified by its issuer.
    public internal(set) var name: HashedName
    public internal(set) var period: BudgetPeriod
    /// Days since the epoch (`day`) or months since 1970-01 (`month`).
    public internal(set) var index: Int64
    /// The MCP tool a per-tool call budget counts (`@calls_per_day`, in calls, not money); nil for spend accounts.
    public internal(set) var tool: HashedName? = nil
}

/// Amounts in nanos of the configured currency.
public struct Account: Sendable, Hashable {
    public var spent: Int64 = 0
    public var reserved: Int64 = 0

    public init(spent: Int64 = 0, reserved: Int64 = 0) {
        self.spent = spent
        self.reserved = reserved
    }
}

/// The account arithmetic: one implementation for the in-memory store and the shared one.
extension Account {
    /// Whether `amount` more would take spent + reserved past `limit` (saturating: a huge worst case is
    /// refused, never wrapped around).
    func cannotTake(_ amount: Int64, within limit: Int64) -> Bool {
        spent.addingSaturating(reserved).addingSaturating(amount) > limit
    }

    /// Replaces a reservation with the real cost; a reported cost never wraps around into credit.
    mutating func settle(reserved held: Int64, actual: Int64) {
        reserved -= held
        spent = spent.addingSaturating(actual)
    }
}

/// A budget an admission must fit: the account, its limit, and when its period ends (nanos).
public struct BudgetTarget: Sendable {
    public internal(set) var key: LedgerKey
    public internal(set) var limit: Int64
    public internal(set) var periodEnd: Int64
}

/// Spend and outstanding reservations per budget account. All accounts of one admission are checked and
/// reserved under one lock, so concurrent admissions can never together reserve more than a budget holds.
/// (Budget checks are a few dictionary operations; one lock is cheaper than ordering several.)
public final class InMemoryBudgetStore: BudgetStore {
    private let accounts = Mutex<[LedgerKey: Account]>([:])

    public init() {}

    /// Reserves `amount` in every target, or in none; returns the first target that could not take it.
    public func reserve(_ targets: [BudgetTarget], amount: Int64) -> BudgetTarget? {
        accounts.withLock { accounts in
            // One hash lookup per account: find (creating missing ones), check all, then commit in place.
            var slots: [Dictionary<LedgerKey, Account>.Index] = []
            slots.reserveCapacity(targets.count)
            for t in targets {
                guard let i = accounts.index(forKey: t.key) else {
                    accounts[t.key] = Account()  // invalidates earlier indices: start over
                    return Self.reserveSlow(&accounts, targets, amount)
                }
                slots.append(i)
            }
            for (t, i) in zip(targets, slots) where accounts.values[i].cannotTake(amount, within: t.limit) { return t }
            for i in slots { accounts.values[i].reserved += amount }
            return nil
        }
    }

    private static func reserveSlow(_ accounts: inout [LedgerKey: Account], _ targets: [BudgetTarget], _ amount: Int64) -> BudgetTarget? {
        for t in targets where (accounts[t.key] ?? Account()).cannotTake(amount, within: t.limit) { return t }
        for t in targets { accounts[t.key, default: Account()].reserved += amount }
        return nil
    }

    /// Replaces a reservation with the real cost (which may be larger: input is only estimated).
    public func settle(_ targets: [BudgetTarget], reserved: Int64, actual: Int64) {
        accounts.withLock { accounts in
            for t in targets {
                Self.update(&accounts[t.key, default: Account()]) { $0.settle(reserved: reserved, actual: actual) }
            }
        }
    }

    /// One hash lookup for a read-modify-write through the dictionary's `_modify` accessor.
    @inline(__always) private static func update(_ account: inout Account, _ change: (inout Account) -> Void) {
        change(&account)
    }

    public func release(_ targets: [BudgetTarget], reserved: Int64) {
        accounts.withLock { accounts in
            for t in targets { accounts[t.key]?.reserved -= reserved }
        }
    }

    public func account(_ key: LedgerKey) -> Account {
        accounts.withLock { $0[key] } ?? Account()
    }

    /// Forgets accounts of periods that have ended and have nothing outstanding.
    public func forgetEnded(currentDay: Int64, currentMonth: Int64) {
        accounts.withLock { accounts in
            accounts = accounts.filter { key, account in
                account.reserved != 0 || key.index >= (key.period == .day ? currentDay : currentMonth)
            }
        }
    }

    var count: Int { accounts.withLock { $0.count } }
}
