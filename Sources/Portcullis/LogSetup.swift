import Foundation
import Logging

/// Process-wide logging, bootstrapped once at start: JSON lines (for log shippers) or text, to stderr.
enum LogSetup {
    static func bootstrap(level: String, format: String) {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "text" ? StreamLogHandler.standardError(label: label) : JSONLogHandler(label: label)
            handler.logLevel = logLevel
            return handler
        }
    }
}

/// One JSON object per line: time, level, label, message and metadata (request id, route, status...).
/// Written here because swift-log ships only a text handler and none in the mirror writes JSON lines.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[k] = "\(v)" }
        fields["time"] = ISO8601DateFormatter().string(from: Date())
        fields["level"] = event.level.rawValue
        fields["logger"] = label
        fields["message"] = "\(event.message)"
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        FileHandle.standardError.write(data + Data([0x0A]))
    }
}
