import Core

extension FieldShape {
    /// Whether a value of this JSON type can be this shape (how `either` chooses).
    func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.text, .string): true
        case (.parameter(let p), _): p.accepts(value)
        case (.object, .object), (.variants, .object), (.map, .object): true
        case (.array, .array): true
        case (.either(let shapes), _): shapes.contains { $0.accepts(value) }
        case (.freeform, _), (.refused, _): true
        default: false
        }
    }

    /// What a value of this shape is, for error messages.
    var expectation: String {
        switch self {
        case .text: "a string"
        case .parameter(let p): p.expectation
        case .object, .variants, .map: "an object"
        case .array: "an array"
        case .either(let shapes): shapes.map(\.expectation).joined(separator: " or ")
        case .freeform: "JSON"
        case .refused: "absent"
        }
    }
}

extension Parameter {
    func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.boolean, .bool): return true
        case (.off, .bool(let b)): return !b
        case (.integer(let range), _):
            guard let i = value.intValue, value.typeName == "number" else { return false }
            return range.contains(i)
        case (.number(let range), .integer(let i)): return range.contains(Double(i))
        case (.number(let range), .number(let d)): return d.isFinite && range.contains(d)
        case (.oneOf(let words), .string(let s)): return words.contains(s)
        case (.identifier, .string(let s)): return Self.isIdentifier(s)
        case (.opaque, .string): return true
        case (.model, .string(let s)): return !s.isEmpty && s.utf8.count <= 256
        case (.null, .null): return true
        case (.stringFree, _): return Self.isStringFree(value)
        case (.report, _): return Self.isReport(value)
        default: return false
        }
    }

    var expectation: String {
        switch self {
        case .boolean: "a boolean"
        case .off(let reason): "false: \(reason)"
        case .integer(let r) where r.lowerBound == 1 && r.upperBound == Int.max: "a positive integer"
        case .integer(let r) where r.lowerBound == 0 && r.upperBound == Int.max: "a non-negative integer"
        case .integer(let r) where r.lowerBound == Int.min && r.upperBound == Int.max: "an integer"
        case .integer(let r): "an integer from \(r.lowerBound) to \(r.upperBound)"
        case .number(let r): "a number from \(Self.format(r.lowerBound)) to \(Self.format(r.upperBound))"
        case .oneOf(let words): "one of \(words.sorted().joined(separator: ", "))"
        case .identifier: "an identifier (printable ASCII without spaces, at most 512 bytes)"
        case .opaque: "a string"
        case .model: "a non-empty model name"
        case .null: "null"
        case .stringFree: "numbers, booleans or null (strings are text and must be declared as text)"
        case .report: "a report of API words, numbers and booleans"
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        (1...512).contains(s.utf8.count) && s.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    static func isStringFree(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool, .integer, .number: true
        case .array(let items): items.allSatisfy(isStringFree)
        case .string, .object: false
        }
    }

    static func isReport(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool, .integer, .number: true
        case .string(let s): s.utf8.count <= 64 && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2E || $0 == 0x2D }
        case .array(let items): items.allSatisfy(isReport)
        case .object(let members): members.allSatisfy { isReport(.string($0.key)) && isReport($0.value) }
        }
    }

    private static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}
