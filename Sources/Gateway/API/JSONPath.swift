import Core

/// A location inside a JSON document: `choices[0].delta.content` as components.
public enum JSONPathComponent: Sendable, Hashable {
    case key(String)
    case index(Int)
}

extension JSONValue {
    public func value(at path: [JSONPathComponent]) -> JSONValue? {
        var node = self
        for component in path {
            switch component {
            case .key(let k): guard let next = node[k] else { return nil }; node = next
            case .index(let i): guard let next = node[i] else { return nil }; node = next
            }
        }
        return node
    }

    /// Replaces the value at `path`; a missing final object key is created, anything else missing is a no-op.
    public mutating func set(_ newValue: JSONValue, at path: [JSONPathComponent]) {
        guard let first = path.first else {
            self = newValue
            return
        }
        let rest = Array(path.dropFirst())
        switch (first, self) {
        case (.key(let k), .object(var o)):
            if rest.isEmpty {
                o[k] = newValue
            } else if var child = o[k] {
                child.set(newValue, at: rest)
                o[k] = child
            } else {
                return
            }
            self = .object(o)
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            a[i].set(newValue, at: rest)
            self = .array(a)
        default:
            return
        }
    }

    /// Parses `messages[2].content[0].text` into components.
    public static func parsePath(_ text: String) -> [JSONPathComponent] {
        var out: [JSONPathComponent] = []
        for segment in text.split(separator: ".") {
            var s = Substring(segment)
            if let bracket = s.firstIndex(of: "[") {
                let key = s[..<bracket]
                if !key.isEmpty { out.append(.key(String(key))) }
                s = s[bracket...]
                while s.hasPrefix("["), let close = s.firstIndex(of: "]") {
                    if let i = Int(s[s.index(after: s.startIndex)..<close]) { out.append(.index(i)) }
                    s = s[s.index(after: close)...]
                }
            } else {
                out.append(.key(String(s)))
            }
        }
        return out
    }
}
