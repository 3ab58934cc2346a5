import Core

/// The location paths `AIMessage.location` uses: `messages[2].content`, `messages[2].content[0].text`,
/// `input`, `input[3]`, `tools[0].function.parameters.properties["e-mail.to"].description` (keys that are
/// not plain names are written as JSON strings in brackets).
enum JSONPath {
    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    static func parse(_ path: String) -> [Step]? {
        var steps: [Step] = []
        var rest = Substring(path)
        var expectName = true
        while !rest.isEmpty {
            if rest.first == "[" {
                rest = rest.dropFirst()
                if rest.first == "\"" {
                    guard let (key, after) = quotedKey(rest) else { return nil }
                    steps.append(.key(key))
                    rest = after
                } else {
                    guard let close = rest.firstIndex(of: "]"), let index = Int(rest[..<close]), index >= 0 else { return nil }
                    steps.append(.index(index))
                    rest = rest[rest.index(after: close)...]
                }
                expectName = false
            } else if rest.first == "." {
                guard !steps.isEmpty else { return nil }
                rest = rest.dropFirst()
                expectName = true
                guard let c = rest.first, c != ".", c != "[" else { return nil }
            } else {
                guard expectName else { return nil }
                let name = rest.prefix { $0 != "." && $0 != "[" }
                steps.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
                expectName = false
            }
        }
        return steps.isEmpty ? nil : steps
    }

    /// `"key"]` (JSON string escapes) at the start of `text` → the key and what follows the bracket.
    private static func quotedKey(_ text: Substring) -> (String, Substring)? {
        var i = text.index(after: text.startIndex)
        var escaped = false
        while i < text.endIndex {
            let c = text[i]
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                let literal = text[text.startIndex...i]
                let after = text.index(after: i)
                guard after < text.endIndex, text[after] == "]",
                    case .string(let key)? = try? JSONParser.parse(Array(literal.utf8))
                else { return nil }
                return (key, text[text.index(after: after)...])
            }
            i = text.index(after: i)
        }
        return nil
    }

    /// Writes `key` as a path step: plain names as they are, anything else as `["..."]`.
    static func step(_ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        return plain ? "." + key : "[" + String(decoding: JSONValue.string(key).serialized(), as: UTF8.self) + "]"
    }

    /// Replaces the string at `path` in `value`; returns false when the path does not lead to a string.
    @discardableResult
    static func setString(_ newValue: String, at path: String, in value: inout JSONValue) -> Bool {
        guard let steps = parse(path) else { return false }
        return set(newValue, steps[...], &value)
    }

    private static func set(_ newValue: String, _ steps: ArraySlice<Step>, _ value: inout JSONValue) -> Bool {
        guard let step = steps.first else {
            guard case .string = value else { return false }
            value = .string(newValue)
            return true
        }
        switch (step, value) {
        case (.key(let key), .object(var object)):
            guard var child = object[key] else { return false }
            let done = set(newValue, steps.dropFirst(), &child)
            if done {
                object[key] = child
                value = .object(object)
            }
            return done
        case (.index(let index), .array(var array)):
            guard array.indices.contains(index) else { return false }
            let done = set(newValue, steps.dropFirst(), &array[index])
            if done { value = .array(array) }
            return done
        default:
            return false
        }
    }
}
