import Foundation
import Yams

/// Reads `portcullis.yaml`-style files into `Decodable` values, turning every decoding failure into a
/// `ConfigurationError` that names file, line, key and what was expected.
public enum ConfigurationLoader {
    public static func load<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, line: nil, column: nil, key: "", message: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, line: nil, column: nil, key: "", message: "file is not UTF-8")
        }
        return try decode(type, yaml: text, file: path)
    }

    public static func decode<T: Decodable>(_ type: T.Type, yaml: String, file: String) throws -> T {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ConfigurationError(file: file, line: nil, column: nil, key: "", message: "file is empty")
            }
            node = composed
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw yamlSyntaxError(error, file: file)
        } catch {
            throw ConfigurationError(file: file, line: nil, column: nil, key: "", message: "invalid YAML")
        }
        do {
            return try YAMLDecoder().decode(type, from: node)
        } catch let error as DecodingError {
            throw describe(error, root: node, file: file)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, line: nil, column: nil, key: "", message: String(describing: error))
        }
    }

    /// Locates a semantic (post-decoding) validation error at a key path in the file.
    public static func error(file: String, yaml: String, path: [String], message: String) -> ConfigurationError {
        let root = (try? Yams.compose(yaml: yaml)) ?? nil
        let mark = root.flatMap { locate(path.map { AnyKey($0) }, in: $0) }
        return ConfigurationError(file: file, line: mark?.line, column: mark?.column, key: dotted(path.map { AnyKey($0) }), message: message)
    }

    static func describe(_ error: DecodingError, root: Node, file: String) -> ConfigurationError {
        let path: [any CodingKey]
        let message: String
        switch error {
        case .typeMismatch(let type, let ctx):
            path = ctx.codingPath
            message = "expected \(friendlyName(type))" + detail(ctx.debugDescription)
        case .valueNotFound(let type, let ctx):
            path = ctx.codingPath
            message = "expected \(friendlyName(type)), found nothing"
        case .keyNotFound(let key, let ctx):
            path = ctx.codingPath
            message = "missing required key '\(key.stringValue)'" + detail(ctx.debugDescription)
        case .dataCorrupted(let ctx):
            path = ctx.codingPath
            message = ctx.debugDescription
        @unknown default:
            path = []
            message = "invalid value"
        }
        let mark = locate(path, in: root)
        return ConfigurationError(file: file, line: mark?.line, column: mark?.column, key: dotted(path), message: message)
    }

    static func yamlSyntaxError(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigurationError(file: file, line: mark.line, column: mark.column, key: "", message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, _):
            return ConfigurationError(file: file, line: nil, column: nil, key: duplicates.joined(separator: ", "), message: "duplicated key")
        default:
            return ConfigurationError(file: file, line: nil, column: nil, key: "", message: "invalid YAML")
        }
    }

    private static func detail(_ text: String) -> String {
        text.isEmpty || text.hasPrefix("No value associated") || text.hasPrefix("Expected to decode") ? "" : " (\(text))"
    }

    static func friendlyName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "String": return "a string"
        case "Int", "Int64", "UInt16", "UInt", "Int32": return "an integer"
        case "Double", "Float": return "a number"
        case "Bool": return "true or false"
        default:
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a mapping" }
            return "a \(name) mapping or value"
        }
    }

    static func dotted(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : "." + key.stringValue }
        }
        return out
    }

    /// Walks the node tree along a coding path; returns the position of the deepest node reached
    /// (the key itself for the last mapping step, so "unknown key" points at the key).
    static func locate(_ path: [any CodingKey], in root: Node) -> Mark? {
        var node = root
        var mark = root.mark
        for key in path {
            if let mapping = node.mapping {
                guard let pair = mapping.first(where: { $0.key.string == key.stringValue }) else { return mark }
                mark = pair.key.mark ?? mark
                node = pair.value
            } else if let sequence = node.sequence, let i = key.intValue, sequence.indices.contains(i) {
                node = sequence[i]
                mark = node.mark ?? mark
            } else {
                return mark
            }
        }
        return mark
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ s: String) {
            if s.hasPrefix("["), s.hasSuffix("]"), let i = Int(s.dropFirst().dropLast()) {
                stringValue = String(i)
                intValue = i
            } else {
                stringValue = s
            }
        }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }
}
