/// A place inside a JSON document — the one location syntax of the gateway: where a text sits in a request
/// (`AIMessage.location`), where a finding or a dropped field is reported, what an obligation rewrites.
///
/// Written form: `messages[2].content[0].text`; a key that is not a plain name is written as a JSON string
/// in brackets (`properties["e-mail.to"]`), so any key round-trips, dots included; `{"…"}` addresses the
/// *name* of an object member rather than its value (`properties{"customer_email"}`: JSON-schema property
/// names are text the model reads, and a redaction rewrites the name itself).
public struct JSONLocation: Sendable, Hashable, CustomStringConvertible {
    public enum Step: Sendable, Hashable {
        /// The value of an object member.
        case key(String)
        /// An array element.
        case index(Int)
        /// The name of an object member (the key itself).
        case memberName(String)
    }

    public var steps: [Step]

    public init(_ steps: [Step] = []) { self.steps = steps }

    public static let root = JSONLocation()

    public func appending(_ step: Step) -> JSONLocation { JSONLocation(steps + [step]) }
    public func appending(key: String) -> JSONLocation { appending(.key(key)) }
    public func appending(index: Int) -> JSONLocation { appending(.index(index)) }
    public static func + (lhs: JSONLocation, rhs: JSONLocation) -> JSONLocation { JSONLocation(lhs.steps + rhs.steps) }

    /// The location with every array index written as `[]`: the declared field this place is an instance of
    /// (`choices[].message.content`), for reports that must not grow with the size of a document.
    public var template: String { render(indices: false) }

    public var description: String { render(indices: true) }

    private func render(indices: Bool) -> String {
        var out = ""
        for step in steps {
            switch step {
            case .key(let k):
                if Self.isPlain(k) {
                    if !out.isEmpty { out += "." }
                    out += k
                } else {
                    out += "[" + Self.quoted(k) + "]"
                }
            case .index(let i): out += indices ? "[\(i)]" : "[]"
            case .memberName(let k): out += "{" + Self.quoted(k) + "}"
            }
        }
        return out
    }

    static func isPlain(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

    static func quoted(_ key: String) -> String { String(decoding: JSONValue.string(key).serialized(), as: UTF8.self) }

    /// Parses the written form; nil when it is not one.
    public init?(parsing text: String) {
        var steps: [Step] = []
        var rest = Substring(text)
        var expectName = true
        while !rest.isEmpty {
            switch rest.first {
            case "[":
                rest = rest.dropFirst()
                if rest.first == "\"" {
                    guard let (key, after) = Self.quotedKey(rest, closing: "]") else { return nil }
                    steps.append(.key(key))
                    rest = after
                } else {
                    guard let close = rest.firstIndex(of: "]"), let index = Int(rest[..<close]), index >= 0 else { return nil }
                    steps.append(.index(index))
                    rest = rest[rest.index(after: close)...]
                }
                expectName = false
            case "{":
                guard let (key, after) = Self.quotedKey(rest.dropFirst(), closing: "}") else { return nil }
                steps.append(.memberName(key))
                rest = after
                expectName = false
            case ".":
                guard !steps.isEmpty else { return nil }
                rest = rest.dropFirst()
                guard let c = rest.first, c != ".", c != "[", c != "{" else { return nil }
                expectName = true
            default:
                guard expectName else { return nil }
                let name = rest.prefix { $0 != "." && $0 != "[" && $0 != "{" }
                guard Self.isPlain(String(name)) else { return nil }
                steps.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
                expectName = false
            }
        }
        self.steps = steps
    }

    /// `"key"` followed by `closing` at the start of `text` → the key and what follows.
    private static func quotedKey(_ text: Substring, closing: Character) -> (String, Substring)? {
        guard text.first == "\"" else { return nil }
        var i = text.index(after: text.startIndex)
        var escaped = false
        while i < text.endIndex {
            let c = text[i]
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                let after = text.index(after: i)
                guard after < text.endIndex, text[after] == closing,
                    case .string(let key)? = try? JSONParser.parse(Array(text[text.startIndex...i].utf8))
                else { return nil }
                return (key, text[text.index(after: after)...])
            }
            i = text.index(after: i)
        }
        return nil
    }
}

extension JSONLocation: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = JSONLocation(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a JSON location: \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension JSONValue {
    /// The value at `location`; for a `memberName` step, the name itself as a string.
    public func value(at location: JSONLocation) -> JSONValue? {
        var node = self
        for step in location.steps {
            switch step {
            case .key(let k): guard let next = node[k] else { return nil }; node = next
            case .index(let i): guard let next = node[i] else { return nil }; node = next
            case .memberName(let k): guard node[k] != nil else { return nil }; node = .string(k)
            }
        }
        return node
    }

    /// Replaces the value at `location` (a `memberName` step renames the member, keeping its value). Returns
    /// false, changing nothing, when the location does not lead to an existing value — or when a rename would
    /// collide with another member.
    @discardableResult
    public mutating func replace(at location: JSONLocation, with newValue: JSONValue) -> Bool {
        replace(location.steps[...], newValue)
    }

    private mutating func replace(_ steps: ArraySlice<JSONLocation.Step>, _ newValue: JSONValue) -> Bool {
        guard let step = steps.first else {
            self = newValue
            return true
        }
        switch (step, self) {
        case (.key(let k), .object(var o)):
            guard var child = o[k] else { return false }
            let done = child.replace(steps.dropFirst(), newValue)
            o[k] = child
            self = .object(o)
            return done
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            let done = a[i].replace(steps.dropFirst(), newValue)
            self = .array(a)
            return done
        case (.memberName(let k), .object(var o)) where steps.count == 1:
            guard case .string(let name) = newValue, let value = o[k] else { return false }
            if name == k { return true }
            guard o[name] == nil else { return false }
            o[k] = nil
            o[name] = value
            self = .object(o)
            return true
        default:
            return false
        }
    }

    /// Removes the member or element at `location` (an array shrinks). Returns false when there is none.
    @discardableResult
    public mutating func remove(at location: JSONLocation) -> Bool {
        guard let last = location.steps.last else { return false }
        let parent = JSONLocation(Array(location.steps.dropLast()))
        guard var container = value(at: parent) else { return false }
        switch (last, container) {
        case (.key(let k), .object(var o)) where o[k] != nil:
            o[k] = nil
            container = .object(o)
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            a.remove(at: i)
            container = .array(a)
        default:
            return false
        }
        return parent.steps.isEmpty ? { self = container; return true }() : replace(at: parent, with: container)
    }
}

extension JSONValue {
    /// `replace(at:with:)` that first creates the missing objects along the location's keys.
    public mutating func setCreating(_ newValue: JSONValue, at location: JSONLocation) {
        for n in 1..<max(1, location.steps.count) {
            let prefix = JSONLocation(Array(location.steps.prefix(n)))
            if value(at: prefix) == nil { _ = replaceOrAdd(at: prefix, with: .object([:])) }
        }
        _ = replaceOrAdd(at: location, with: newValue)
    }

    /// Replaces the value at `location`, adding it when the last step is a missing object key.
    @discardableResult
    public mutating func replaceOrAdd(at location: JSONLocation, with newValue: JSONValue) -> Bool {
        if value(at: location) != nil { return replace(at: location, with: newValue) }
        guard case .key(let k)? = location.steps.last else { return false }
        let parent = JSONLocation(Array(location.steps.dropLast()))
        guard case .object(var o)? = value(at: parent) else { return false }
        o[k] = newValue
        if parent.steps.isEmpty {
            self = .object(o)
            return true
        }
        return replace(at: parent, with: .object(o))
    }
}

extension JSONLocation: ExpressibleByStringLiteral {
    /// A location written in code (`"messages[0].content"`); a literal that is not one is a programming error.
    public init(stringLiteral text: String) {
        guard let parsed = JSONLocation(parsing: text) else { preconditionFailure("not a JSON location: \(text)") }
        self = parsed
    }
}
