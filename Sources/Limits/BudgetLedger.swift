import Synchronization

/// One budget account: a scope, a name and one UTC period.
struct LedgerKey: Hashable, Sendable {
    var scope: BudgetRule.Scope
    var name: String
    var period: BudgetPeriod
    var index: Int64
}

struct Account: Sendable, Hashable {
    var spent: Int64 = 0
    var reserved: Int64 = 0
}

/// A budget an admission must fit: the account, its limit, and when its period ends.
struct BudgetTarget: Sendable {
    var key: LedgerKey
    var limit: Int64
    var periodEnd: Int64
}

/// Spend and outstanding reservations per budget account. All accounts of one admission are checked and
/// reserved under one lock, so concurrent admissions can never together reserve more than a budget holds.
/// (Budget checks are a few dictionary operations; one lock is cheaper than ordering several.)
final class BudgetLedger: Sendable {
    private let accounts = Mutex<[LedgerKey: Account]>([:])

    /// Reserves `amount` in every target, or in none; returns the first target that could not take it.
    func reserve(_ targets: [BudgetTarget], amount: Int64) -> BudgetTarget? {
        accounts.withLock { accounts in
            for t in targets {
                let a = accounts[t.key] ?? Account()
                let committed = a.spent.addingSaturating(a.reserved)
                if committed.addingSaturating(amount) > t.limit { return t }
            }
            for t in targets { accounts[t.key, default: Account()].reserved += amount }
            return nil
        }
    }

    /// Replaces a reservation with the real cost (which may be larger: input is only estimated).
    func settle(_ keys: [LedgerKey], reserved: Int64, actual: Int64) {
        accounts.withLock { accounts in
            for k in keys {
                accounts[k, default: Account()].reserved -= reserved
                accounts[k, default: Account()].spent = accounts[k, default: Account()].spent.addingSaturating(actual)
            }
        }
    }

    func release(_ keys: [LedgerKey], reserved: Int64) {
        accounts.withLock { accounts in
            for k in keys { accounts[k]?.reserved -= reserved }
        }
    }

    func account(_ key: LedgerKey) -> Account {
        accounts.withLock { $0[key] } ?? Account()
    }

    func accounts(matching include: (LedgerKey) -> Bool) -> [(LedgerKey, Account)] {
        accounts.withLock { $0.filter { include($0.key) }.map { ($0.key, $0.value) } }
    }

    /// Forgets accounts of periods that have ended and have nothing outstanding.
    func forgetEnded(currentDay: Int64, currentMonth: Int64) {
        accounts.withLock { accounts in
            accounts = accounts.filter { key, account in
                account.reserved != 0 || key.index >= (key.period == .day ? currentDay : currentMonth)
            }
        }
    }

    var count: Int { accounts.withLock { $0.count } }
}
