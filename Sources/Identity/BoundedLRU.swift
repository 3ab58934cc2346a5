/// A dictionary holding at most `capacity` entries, evicting the least recently used: O(1) get, set and
/// remove (a hash lookup plus an index-linked recency list; nodes are reused, no per-entry allocation beyond
/// the value). Not thread-safe; callers hold it in a `Mutex`.
struct BoundedLRU<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key?
        var value: Value?
        var prev = -1
        var next = -1
    }

    private var nodes: [Node] = []
    private var free: [Int] = []
    private var index: [Key: Int] = [:]
    private var head = -1  // most recently used
    private var tail = -1  // least recently used
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { index.count }

    /// The value, marked as most recently used.
    mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        if head != i {
            unlink(i)
            link(i)
        }
        return nodes[i].value
    }

    /// The least recently used entry, without touching its recency.
    var oldest: (key: Key, value: Value)? {
        guard tail >= 0, let k = nodes[tail].key, let v = nodes[tail].value else { return nil }
        return (k, v)
    }

    mutating func set(_ key: Key, _ value: Value) {
        if let i = index[key] {
            nodes[i].value = value
            if head != i {
                unlink(i)
                link(i)
            }
            return
        }
        if index.count >= capacity, tail >= 0 { remove(at: tail) }
        let node = Node(key: key, value: value)
        let i: Int
        if let f = free.popLast() {
            nodes[f] = node
            i = f
        } else {
            nodes.append(node)
            i = nodes.count - 1
        }
        index[key] = i
        link(i)
    }

    mutating func remove(_ key: Key) {
        if let i = index[key] { remove(at: i) }
    }

    mutating func removeAll() { self = BoundedLRU(capacity: capacity) }

    private mutating func remove(at i: Int) {
        unlink(i)
        if let k = nodes[i].key { index[k] = nil }
        nodes[i] = Node()
        free.append(i)
    }

    private mutating func link(_ i: Int) {
        nodes[i].prev = -1
        nodes[i].next = head
        if head >= 0 { nodes[head].prev = i }
        head = i
        if tail < 0 { tail = i }
    }

    private mutating func unlink(_ i: Int) {
        let p = nodes[i].prev, n = nodes[i].next
        if p >= 0 { nodes[p].next = n } else if head == i { head = n }
        if n >= 0 { nodes[n].prev = p } else if tail == i { tail = p }
        nodes[i].prev = -1
        nodes[i].next = -1
    }
}
