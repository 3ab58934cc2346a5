import Synchronization

/// State split over a power-of-two number of shards, each behind its own `Mutex`, so concurrent requests
/// for different keys rarely wait for each other: the verified-token cache, the rate-limit buckets and the
/// response cache each keep one. A key's shard is chosen by the low bits of a hash the caller already has
/// (a digest, a precomputed `hashValue`); the hash must be well mixed in those bits.
///
/// Hand-written once instead of once per store: the standard library's `Mutex` is one lock, and a striped
/// map is this much code. Shards are separate objects (`Mutex` is not copyable, so it cannot sit in an
/// array directly); bounds a store splits over its shards are each shard's share, so with more than one
/// shard the eviction order is per shard, not exact — hence one shard for small bounds (`shardCount`).
public final class Sharded<State: Sendable>: Sendable {
    private final class Shard: Sendable {
        let state: Mutex<State>
        init(_ state: sending State) { self.state = Mutex(state) }
    }

    private let shards: [Shard]
    private let mask: Int

    /// `count` shards (a power of two), the state of each made by `makeState(count)`: a store passes each
    /// shard its share of a bound.
    public init(count: Int, _ makeState: (_ shards: Int) -> State) {
        precondition(count > 0 && count & (count - 1) == 0, "shard count must be a power of two")
        shards = (0..<count).map { _ in Shard(makeState(count)) }
        mask = count - 1
    }

    /// As many shards as keep at least `minimumPerShard` of `capacity` each, a power of two, at most
    /// `maximumShards`, and at least one.
    public convenience init(capacity: Int, minimumPerShard: Int, maximumShards: Int, _ makeState: (_ shards: Int) -> State) {
        self.init(count: Self.shardCount(capacity: capacity, minimumPerShard: minimumPerShard, maximumShards: maximumShards), makeState)
    }

    /// The largest power of two `n` with `n <= maximumShards` and `n * minimumPerShard <= capacity`, or 1.
    public static func shardCount(capacity: Int, minimumPerShard: Int, maximumShards: Int) -> Int {
        var n = 1
        while n * 2 <= maximumShards && n * 2 * max(1, minimumPerShard) <= capacity { n *= 2 }
        return n
    }

    public var count: Int { shards.count }

    /// Runs `body` on the state of the shard of `hash`, holding that shard's lock.
    public func withLock<Result: Sendable, E: Error>(
        forHash hash: Int, _ body: (inout State) throws(E) -> Result
    ) throws(E) -> Result {
        try shards[hash & mask].state.withLock { (state: inout State) throws(E) -> Result in try body(&state) }
    }

    /// Runs `body` on every shard's state in turn, holding one lock at a time (so what it sees across
    /// shards is not one instant: right for sums and clearing, not for an atomic snapshot).
    public func forEachShard<E: Error>(_ body: (inout State) throws(E) -> Void) throws(E) {
        for shard in shards {
            try shard.state.withLock { (state: inout State) throws(E) in try body(&state) }
        }
    }

    /// The sum of `measure` over all shards (e.g. the number of entries), one lock at a time.
    public func sum(_ measure: (borrowing State) -> Int) -> Int {
        var total = 0
        forEachShard { total += measure($0) }
        return total
    }
}
