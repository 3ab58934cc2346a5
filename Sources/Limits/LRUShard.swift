/// One shard of the response cache: a dictionary from key to slot, and the slots in a doubly linked list
/// by recency (index-based, no per-node allocation). Evicts least recently used entries until both the
/// entry bound and the byte bound hold.
struct LRUShard: Sendable {
    private struct Slot: Sendable {
        var key: CacheKey?
        var value: CachedResponse?
        var bytes: Int = 0
        var expiresAt: Int64 = 0
        var prev: Int = -1
        var next: Int = -1
    }

    private var slots: [Slot] = []
    private var free: [Int] = []
    private var index: [CacheKey: Int] = [:]
    private var head = -1  // most recently used
    private var tail = -1  // least recently used
    private(set) var bytes = 0
    let maxEntries: Int
    let maxBytes: Int

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = max(1, maxEntries)
        self.maxBytes = max(1, maxBytes)
    }

    var count: Int { index.count }

    mutating func get(_ key: CacheKey, now: Int64) -> CacheLookup {
        guard let i = index[key] else { return .miss }
        if slots[i].expiresAt <= now {
            remove(i)
            return .expired
        }
        moveToFront(i)
        return .hit(slots[i].value!)
    }

    /// Inserts or replaces; returns how many entries were evicted, or nil if the entry alone exceeds the
    /// byte bound and was not stored.
    mutating func put(_ key: CacheKey, _ value: CachedResponse, expiresAt: Int64) -> Int? {
        let size = key.byteCount + value.byteCount
        guard size <= maxBytes else { return nil }
        if let i = index[key] { remove(i) }
        var evicted = 0
        while tail >= 0 && (index.count + 1 > maxEntries || bytes + size > maxBytes) {
            remove(tail)
            evicted += 1
        }
        let slot = Slot(key: key, value: value, bytes: size, expiresAt: expiresAt)
        let i: Int
        if let f = free.popLast() {
            slots[f] = slot
            i = f
        } else {
            slots.append(slot)
            i = slots.count - 1
        }
        index[key] = i
        bytes += size
        link(i)
        return evicted
    }

    mutating func removeAll() {
        self = LRUShard(maxEntries: maxEntries, maxBytes: maxBytes)
    }

    private mutating func remove(_ i: Int) {
        unlink(i)
        if let k = slots[i].key { index[k] = nil }
        bytes -= slots[i].bytes
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
