/// A dictionary bounded by an entry count and, optionally, a total cost (bytes, for the response cache),
/// evicting the least recently used entries until both bounds hold: O(1) get, set and remove (a hash
/// lookup plus an index-linked recency list; slots are reused, no allocation per entry beyond the
/// value). Used by the verified-token cache (count only) and the response cache (count and bytes; its
/// expiry lives in its values). Not thread-safe: callers hold it in a `Mutex`, usually through `Sharded`.
///
/// Hand-written because the standard library has no ordered or bounded dictionary, and the package mirror
/// has no collections package.
public struct BoundedLRU<Key: Hashable, Value> {
    fileprivate struct Slot {
        var key: Key?
        var value: Value?
        var cost = 0
        var prev = -1
        var next = -1
    }

    private var slots: [Slot] = []
    private var free: [Int] = []
    private var index: [Key: Int] = [:]
    private var head = -1  // most recently used
    private var tail = -1  // least recently used
    /// At most this many entries (at least 1).
    public let capacity: Int
    /// At most this total cost (at least 1); `Int.max` when only the count is bounded.
    public let maxCost: Int
    /// The sum of the costs of the entries held.
    public private(set) var totalCost = 0

    public init(capacity: Int, maxCost: Int = .max) {
        self.capacity = max(1, capacity)
        self.maxCost = max(1, maxCost)
    }

    public var count: Int { index.count }

    /// The value, marked as most recently used.
    public mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        moveToFront(i)
        return slots[i].value
    }

    /// The least recently used entry, without touching its recency.
    public var oldest: (key: Key, value: Value)? {
        guard tail >= 0, let k = slots[tail].key, let v = slots[tail].value else { return nil }
        return (k, v)
    }

    /// Inserts or replaces `key` as the most recently used entry, evicting least recently used ones until
    /// the count and the cost fit. Returns how many entries were evicted (a replaced entry is not counted),
    /// or nil when `cost` alone exceeds `maxCost`: then nothing is stored and an entry under `key` stays.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value, cost: Int = 0) -> Int? {
        guard cost <= maxCost else { return nil }
        if let i = index[key] { remove(at: i) }
        var evicted = 0
        while tail >= 0 && (index.count >= capacity || totalCost > maxCost - cost) {
            remove(at: tail)
            evicted += 1
        }
        let slot = Slot(key: key, value: value, cost: cost)
        let i: Int
        if let f = free.popLast() {
            slots[f] = slot
            i = f
        } else {
            slots.append(slot)
            i = slots.count - 1
        }
        index[key] = i
        totalCost += cost
        link(i)
        return evicted
    }

    /// Removes `key`; returns its value if it was there.
    @discardableResult
    public mutating func remove(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        let value = slots[i].value
        remove(at: i)
        return value
    }

    public mutating func removeAll() { self = BoundedLRU(capacity: capacity, maxCost: maxCost) }

    private mutating func remove(at i: Int) {
        unlink(i)
        if let k = slots[i].key { index[k] = nil }
        totalCost -= slots[i].cost
        slots[i] = Slot()
        free.append(i)
    }

    private mutating func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        link(i)
    }

    private mutating func link(_ i: Int) {
        slots[i].prev = -1
        slots[i].next = head
        if head >= 0 { slots[head].prev = i }
        head = i
        if tail < 0 { tail = i }
    }

    private mutating func unlink(_ i: Int) {
        let p = slots[i].prev, n = slots[i].next
        if p >= 0 { slots[p].next = n } else if head == i { head = n }
        if n >= 0 { slots[n].prev = p } else if tail == i { tail = p }
        slots[i].prev = -1
        slots[i].next = -1
    }
}

extension BoundedLRU: Sendable where Key: Sendable, Value: Sendable {}
extension BoundedLRU.Slot: Sendable where Key: Sendable, Value: Sendable {}
