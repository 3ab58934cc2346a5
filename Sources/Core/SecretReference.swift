import Foundation

/// A secret named in configuration by reference — `env:NAME` or `file:/path` — never by value.
/// Resolving happens once at load; the resolved value is never logged or echoed.
public struct SecretReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAReference(String)
        case missingEnvironment(String)
        case unreadableFile(String)

        public var description: String {
            switch self {
            case .notAReference: "a secret must be a reference: env:NAME or file:/path (literal values are refused)"
            case .missingEnvironment(let n): "environment variable \(n) is not set"
            case .unreadableFile(let p): "secret file \(p) cannot be read"
            }
        }
    }

    public let reference: String

    public init(_ reference: String) throws {
        guard reference.hasPrefix("env:") || reference.hasPrefix("file:") else {
            throw Failure.notAReference(reference)
        }
        self.reference = reference
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(raw) } catch let f as Failure {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: f.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(reference)
    }

    /// The reference itself, never the value.
    public var description: String { reference }

    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if reference.hasPrefix("env:") {
            let name = String(reference.dropFirst(4))
            guard let v = environment[name], !v.isEmpty else { throw Failure.missingEnvironment(name) }
            return v
        }
        let path = String(reference.dropFirst(5))
        guard let data = FileManager.default.contents(atPath: path), let s = String(data: data, encoding: .utf8) else {
            throw Failure.unreadableFile(path)
        }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
