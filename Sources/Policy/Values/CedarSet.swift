/// A Cedar set: unique values in an array. Policy sets are small (groups, tools, findings), where a
/// linear scan with cheap equality beats hashing every probe; large sets also keep a hash index.
public struct CedarSet: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral {
    public let elements: [Value]
    private let index: Set<Value>?

    static let indexThreshold = 24

    private init(unique: [Value], index: Set<Value>?) {
        elements = unique
        self.index = index
    }

    /// Adopts the array when it has no duplicates (the common case), without copying.
    public init(_ values: [Value]) {
        if values.count <= Self.indexThreshold {
            var duplicate = false
            outer: for i in values.indices {
                for j in 0..<i where values[j] == values[i] {
                    duplicate = true
                    break outer
                }
            }
            if !duplicate {
                self.init(unique: values, index: nil)
                return
            }
        }
        self.init(sequence: values)
    }

    public init<S: Sequence>(_ values: S) where S.Element == Value { self.init(sequence: values) }

    init<S: Sequence>(sequence values: S) where S.Element == Value {
        var unique: [Value] = []
        var seen: Set<Value>? = nil
        for v in values {
            if let s = seen {
                if !s.contains(v) {
                    unique.append(v)
                    seen!.insert(v)
                }
            } else if !unique.contains(v) {
                unique.append(v)
                if unique.count > Self.indexThreshold { seen = Set(unique) }
            }
        }
        self.init(unique: unique, index: seen)
    }

    public init(arrayLiteral elements: Value...) { self.init(elements) }

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }
    public func makeIterator() -> IndexingIterator<[Value]> { elements.makeIterator() }

    @inline(__always)
    public func contains(_ v: Value) -> Bool {
        if let index { return index.contains(v) }
        return elements.contains(v)
    }

    public func isSubset(of other: CedarSet) -> Bool { elements.allSatisfy(other.contains) }
    public func isDisjoint(with other: CedarSet) -> Bool { !elements.contains(where: other.contains) }

    public static func == (a: CedarSet, b: CedarSet) -> Bool { a.count == b.count && a.isSubset(of: b) }

    /// Order-independent: the sum of element hashes.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for e in elements { sum = sum &+ e.hashValue }
        hasher.combine(elements.count)
        hasher.combine(sum)
    }
}
