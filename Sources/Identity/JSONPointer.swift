import Core
import Foundation

/// An RFC 6901 JSON pointer into token claims (`/realm_access/roles`), with one extension: a segment `*`
/// selects every member of an object or array (`/resource_access/*/roles`). Written by hand because no
/// available package evaluates JSON pointers over `JSONValue`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    let segments: [String]
    /// Whether a segment is `*` (else the pointer selects at most one value, walked without allocating).
    let hasWildcard: Bool
    public let description: String

    public init(_ text: String) throws {
        guard text.hasPrefix("/") else { throw Invalid(description: "a JSON pointer starts with '/': \(text)") }
        segments = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        if segments.contains(where: \.isEmpty) { throw Invalid(description: "empty segment in JSON pointer \(text)") }
        hasWildcard = segments.contains("*")
        description = text
    }

    /// The value a pointer without `*` selects.
    private func single(in root: JSONValue) -> JSONValue? {
        var current = root
        for segment in segments {
            switch current {
            case .object(let members):
                guard let member = members[segment] else { return nil }
                current = member
            case .array(let items):
                guard let index = Int(segment), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Every value the pointer selects (several only through `*`).
    func values(in root: JSONValue) -> [JSONValue] {
        if !hasWildcard { return single(in: root).map { [$0] } ?? [] }
        var current = [root]
        for segment in segments {
            var next: [JSONValue] = []
            for value in current {
                switch value {
                case .object(let members):
                    if segment == "*" { next.append(contentsOf: members.keys.sorted().compactMap { members[$0] }) }
                    else if let member = members[segment] { next.append(member) }
                case .array(let items):
                    if segment == "*" { next.append(contentsOf: items) }
                    else if let index = Int(segment), items.indices.contains(index) { next.append(items[index]) }
                default:
                    break
                }
            }
            current = next
            if current.isEmpty { break }
        }
        return current
    }

    /// The first selected value that is a string (numbers are rendered, e.g. numeric ids).
    func string(in root: JSONValue) -> String? {
        if !hasWildcard {
            switch single(in: root) {
            case .string(let s)? where !s.isEmpty: return s
            case .integer(let i)?: return String(i)
            default: return nil
            }
        }
        for value in values(in: root) {
            switch value {
            case .string(let s) where !s.isEmpty: return s
            case .integer(let i): return String(i)
            default: continue
            }
        }
        return nil
    }

    /// All strings selected: arrays of strings are flattened; a string is split on `separator` when given
    /// (space for `scope`, a configured `list_separator` such as `,` for IdPs that join multi-valued claims).
    func strings(in root: JSONValue, separator: Character? = nil) -> [String] {
        var out: [String] = []
        for value in values(in: root) {
            switch value {
            case .string(let s):
                if let separator {
                    for part in s.split(separator: separator) {
                        let value = PresentedToken.trimASCIIWhitespace(part)
                        if !value.isEmpty { out.append(String(value)) }
                    }
                } else {
                    out.append(s)
                }
            case .array(let items): out.append(contentsOf: items.compactMap(\.stringValue))
            default: continue
            }
        }
        return out
    }

    func isPresent(in root: JSONValue) -> Bool {
        if !hasWildcard {
            guard let v = single(in: root) else { return false }
            if case .null = v { return false }
            return true
        }
        return values(in: root).contains { if case .null = $0 { false } else { true } }
    }
}
