import Testing

@testable import Support

@Suite struct ShardedTests {
    @Test(arguments: [
        (capacity: 0, minimum: 128, maximum: 8, shards: 1), (capacity: 255, minimum: 128, maximum: 8, shards: 1),
        (capacity: 256, minimum: 128, maximum: 8, shards: 2), (capacity: 1024, minimum: 128, maximum: 8, shards: 8),
        (capacity: 10_000_000, minimum: 128, maximum: 8, shards: 8), (capacity: 100_000, minimum: 128, maximum: 16, shards: 16),
        (capacity: 8191, minimum: 1024, maximum: 8, shards: 4), (capacity: 5, minimum: 0, maximum: 4, shards: 4),
    ])
    func shardCountIsAPowerOfTwoWithinBothBounds(_ c: (capacity: Int, minimum: Int, maximum: Int, shards: Int)) {
        #expect(Sharded<Int>.shardCount(capacity: c.capacity, minimumPerShard: c.minimum, maximumShards: c.maximum) == c.shards)
    }

    @Test func aHashAlwaysReachesTheSameShardAndSharesAddUp() {
        let sharded = Sharded<[Int]>(count: 4) { n in
            #expect(n == 4)
            return []
        }
        #expect(sharded.count == 4)
        for h in 0..<100 { sharded.withLock(forHash: h) { $0.append(h) } }
        // The shard of h is h & 3: each shard holds exactly the hashes with its low bits.
        for h in 0..<4 {
            let seen = sharded.withLock(forHash: h + 400) { $0 }
            #expect(seen == Array(stride(from: h, to: 100, by: 4)))
        }
        #expect(sharded.sum { $0.count } == 100)
        sharded.forEachShard { $0.removeAll() }
        #expect(sharded.sum { $0.count } == 0)
    }

    @Test func concurrentUpdatesAreNotLost() async {
        let sharded = Sharded<Int>(capacity: 1 << 20, minimumPerShard: 1, maximumShards: 8) { _ in 0 }
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<2_000 { sharded.withLock(forHash: worker &* 7919 &+ i) { $0 += 1 } }
                }
            }
        }
        #expect(sharded.sum { $0 } == 16_000)
    }

    @Test func errorsThrownInsideTheLockReachTheCaller() {
        struct Refused: Error {}
        let sharded = Sharded<Int>(count: 1) { _ in 0 }
        #expect(throws: Refused.self) { try sharded.withLock(forHash: 0) { (_: inout Int) throws(Refused) in throw Refused() } }
    }
}
