/// Why a configuration file was refused, with enough position to fix it: file, line, key, expectation.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int?
    public let column: Int?
    /// Dotted key path, e.g. `providers.openai.timeout_seconds` or `models[2].provider`.
    public let key: String
    public let message: String

    public init(file: String, line: Int?, column: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var position = file
        if let line { position += ":\(line)" }
        if let column { position += ":\(column)" }
        return key.isEmpty ? "\(position): \(message)" : "\(position): \(key): \(message)"
    }
}
