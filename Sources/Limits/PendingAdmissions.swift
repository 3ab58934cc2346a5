import Synchronization

/// What settling or releasing an admission has to undo or correct.
struct PendingAdmission: Sendable {
    /// The buckets charged (those with a token limit get corrected).
    var buckets: [(key: BucketKey, limits: BucketLimits)]
    var chargedTokens: Int
    var budgets: [BudgetTarget]
    var reserved: Int64
    var price: ModelPrice
    var admittedAt: Int64
}

/// Admissions not yet settled or released, by id. Removing an id is what makes `settle` and `release`
/// take effect at most once, whichever comes first.
final class PendingAdmissions: Sendable {
    private final class Shard: Sendable {
        let entries = Mutex<[UInt64: PendingAdmission]>([:])
    }

    private let shards: [Shard] = (0..<8).map { _ in Shard() }

    func insert(_ id: UInt64, _ pending: PendingAdmission) {
        shards[Int(id & 7)].entries.withLock { $0[id] = pending }
    }

    func remove(_ id: UInt64) -> PendingAdmission? {
        shards[Int(id & 7)].entries.withLock { $0.removeValue(forKey: id) }
    }

    /// Removes and returns admissions older than `cutoff`.
    func removeAdmitted(before cutoff: Int64) -> [PendingAdmission] {
        shards.flatMap { shard in
            shard.entries.withLock { entries -> [PendingAdmission] in
                let old = entries.filter { $0.value.admittedAt < cutoff }
                for id in old.keys { entries[id] = nil }
                return Array(old.values)
            }
        }
    }

    var count: Int { shards.reduce(0) { $0 + $1.entries.withLock { $0.count } } }
}
