/// A Cedar record: fields in insertion order, lookups scan (records here have a handful of fields);
/// equality and hashing ignore field order.
public struct CedarRecord: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable {
        public let name: String
        public let value: Value
    }

    public let fields: [Field]
    public var keys: [String] { fields.map(\.name) }
    public var values: [Value] { fields.map(\.value) }

    /// Builds from fields; a later duplicate name replaces an earlier one.
    public init(fields: [(String, Value)]) {
        var out: [Field] = []
        out.reserveCapacity(fields.count)
        for (name, value) in fields {
            if let i = out.firstIndex(where: { $0.name == name }) {
                out[i] = Field(name: name, value: value)
            } else {
                out.append(Field(name: name, value: value))
            }
        }
        self.fields = out
    }

    /// Builds from fields whose names are known to be distinct.
    init(uniqueFields fields: [(String, Value)]) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    init(uniqueFields fields: [Field]) { self.fields = fields }

    public init(_ dictionary: [String: Value]) { self.init(uniqueFields: Array(dictionary)) }
    public init(dictionaryLiteral elements: (String, Value)...) { self.init(fields: elements) }

    public static let empty = CedarRecord(fields: [])

    public var count: Int { fields.count }

    @inline(__always)
    public subscript(name: String) -> Value? {
        for f in fields where f.name == name { return f.value }
        return nil
    }

    public var dictionary: [String: Value] { Dictionary(uniqueKeysWithValues: zip(keys, values)) }

    public static func == (a: CedarRecord, b: CedarRecord) -> Bool {
        guard a.count == b.count else { return false }
        for f in a.fields where b[f.name] != f.value { return false }
        return true
    }

    /// Order-independent: the sum of the hashes of (name, value) pairs.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for f in fields {
            var h = Hasher()
            h.combine(f.name)
            h.combine(f.value)
            sum = sum &+ h.finalize()
        }
        hasher.combine(fields.count)
        hasher.combine(sum)
    }
}
