import Core

/// Names the messages of a Bedrock `ConverseStream` answer:
/// - `:message-type: event` → the `:event-type` (`messageStart`, `contentBlockStart`,
///   `contentBlockDelta`, `contentBlockStop`, `messageStop`, `metadata`), data = payload (JSON);
/// - `:message-type: exception` → `exception:` + `:exception-type` (e.g. `exception:throttlingException`),
///   data = payload (`{"message": ...}`);
/// - `:message-type: error` → `error:` + `:error-code`, data = `{"message": <:error-message>}`.
/// Anything else is refused: an unknown kind of message is never relayed as if it were known.
public enum BedrockStreamEvent {
    public static func named(_ m: EventStreamMessage) throws(EventStreamError) -> (name: String, data: [UInt8]) {
        guard let kind = m.headers[":message-type"]?.stringValue else { throw .unexpectedMessage }
        switch kind {
        case "event":
            guard let name = m.headers[":event-type"]?.stringValue, !name.isEmpty else { throw .unexpectedMessage }
            return (name, m.payload)
        case "exception":
            guard let name = m.headers[":exception-type"]?.stringValue, !name.isEmpty else { throw .unexpectedMessage }
            return ("exception:" + name, m.payload)
        case "error":
            guard let code = m.headers[":error-code"]?.stringValue, !code.isEmpty else { throw .unexpectedMessage }
            let message = m.headers[":error-message"]?.stringValue ?? ""
            return ("error:" + code, Array(("{\"message\":" + jsonString(message) + "}").utf8))
        default:
            throw .unexpectedMessage
        }
    }

    /// A JSON string literal (RFC 8259 escaping).
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + String(decoding: [Hex.digit(UInt8(scalar.value >> 4)), Hex.digit(UInt8(scalar.value & 0xF))], as: UTF8.self)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
