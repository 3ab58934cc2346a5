import Testing

@testable import Support

@Suite struct BoundedLRUTests {
    @Test func evictsTheLeastRecentlyUsed() {
        var lru = BoundedLRU<Int, String>(capacity: 3)
        lru.set(1, "a"); lru.set(2, "b"); lru.set(3, "c")
        #expect(lru.get(1) == "a")  // 1 is now the most recent
        #expect(lru.set(4, "d") == 1)
        #expect(lru.get(2) == nil && lru.get(1) == "a" && lru.get(3) == "c" && lru.get(4) == "d")
        #expect(lru.oldest?.key == 1)
        #expect(lru.remove(3) == "c")
        #expect(lru.remove(3) == nil)
        #expect(lru.count == 2)
        lru.set(5, "e"); lru.set(6, "f")
        #expect(lru.count == 3 && lru.get(1) == nil)
        lru.removeAll()
        #expect(lru.count == 0 && lru.oldest == nil)
    }

    @Test func replacingAnEntryEvictsNothingAndMakesItTheMostRecent() {
        var lru = BoundedLRU<String, Int>(capacity: 2)
        lru.set("a", 1); lru.set("b", 2)
        #expect(lru.set("a", 10) == 0)
        #expect(lru.count == 2 && lru.oldest?.key == "b")
        lru.set("c", 3)
        #expect(lru.get("b") == nil && lru.get("a") == 10)
    }

    @Test func theCostBoundEvictsUntilTheNewEntryFits() {
        var lru = BoundedLRU<String, Int>(capacity: 100, maxCost: 10)
        lru.set("a", 1, cost: 4); lru.set("b", 2, cost: 4)
        #expect(lru.totalCost == 8)
        #expect(lru.get("a") == 1)  // b is now the oldest
        #expect(lru.set("c", 3, cost: 5) == 1)
        #expect(lru.get("b") == nil && lru.get("a") == 1 && lru.get("c") == 3)
        #expect(lru.totalCost == 9)
        // Replacing frees the old cost first.
        #expect(lru.set("c", 30, cost: 6) == 0)
        #expect(lru.totalCost == 10 && lru.count == 2)
        // Too costly alone: refused, nothing evicted, the entry under that key stays.
        #expect(lru.set("a", 99, cost: 11) == nil)
        #expect(lru.get("a") == 1 && lru.totalCost == 10)
        // Exactly the bound: everything else goes.
        #expect(lru.set("d", 4, cost: 10) == 2)
        #expect(lru.count == 1 && lru.totalCost == 10)
        lru.remove("d")
        #expect(lru.totalCost == 0)
    }

    /// Random gets, sets (with costs) and removals against a plain array kept in recency order.
    @Test func agreesWithANaiveModelOverRandomOperations() {
        var rng = SystemRandomNumberGenerator()
        var lru = BoundedLRU<Int, Int>(capacity: 8, maxCost: 40)
        var model: [(key: Int, value: Int, cost: Int)] = []  // most recent last
        for step in 0..<20_000 {
            let key = Int.random(in: 0..<24, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                let hit = model.firstIndex { $0.key == key }
                #expect(lru.get(key) == hit.map { model[$0].value })
                if let hit { model.append(model.remove(at: hit)) }
            case 1:
                let cost = Int.random(in: 0...12, using: &rng)
                let evicted = lru.set(key, step, cost: cost)
                model.removeAll { $0.key == key }
                var n = 0
                while !model.isEmpty && (model.count >= 8 || model.reduce(0) { $0 + $1.cost } + cost > 40) {
                    model.removeFirst()
                    n += 1
                }
                model.append((key, step, cost))
                #expect(evicted == n)
            default:
                let hit = model.firstIndex { $0.key == key }
                #expect(lru.remove(key) == hit.map { model[$0].value })
                if let hit { model.remove(at: hit) }
            }
            #expect(lru.count == model.count)
            #expect(lru.totalCost == model.reduce(0) { $0 + $1.cost })
            #expect(lru.oldest?.key == model.first?.key)
            if lru.count != model.count { return }
        }
    }
}
