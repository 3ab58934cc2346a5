import Core

/// The location paths `AIMessage.location` uses: `messages[2].content`, `messages[2].content[0].text`,
/// `input`, `input[3]`, `system[0].text`.
enum JSONPath {
    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    static func parse(_ path: String) -> [Step]? {
        var steps: [Step] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" }
            if !name.isEmpty { steps.append(.key(String(name))) }
            rest = rest.dropFirst(name.count)
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                    index >= 0
                else { return nil }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty, !(name.isEmpty && steps.isEmpty) else { return nil }
        }
        return steps.isEmpty ? nil : steps
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
