import Audit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 5424 messages carrying audit records, framed for TLS transport by octet counting (RFC 5425 §4.3):
///
///     LEN SP <PRI>1 TIMESTAMP HOSTNAME portcullis PROCID MSGID [meta sequenceId="SEQ"] OCSF-JSON
///
/// PRI is facility × 8 + severity; TIMESTAMP is the record's own time; MSGID its phase (`begin`, `end`,
/// `complete`, `aborted`); the structured data is the IANA-registered `meta` element with the record's
/// sequence (RFC 5424 §7.3.1; it restarts at 1 after 2147483647, the OCSF event carries the full number in
/// `metadata.sequence`). MSG is the OCSF event as one line of pure ASCII JSON: characters outside ASCII are
/// written as `\uXXXX` escapes — the same JSON value, and no BOM question for the receiver.
public struct SyslogMessage: Sendable {
    public var facility: Int
    public var severity: Int
    public var refusalSeverity: Int
    /// Already reduced to RFC 5424 HOSTNAME characters (see `hostField`).
    public var hostname: String
    public var processID: String

    public static let appName = "portcullis"

    public init(facility: Int = 13, severity: Int = 6, refusalSeverity: Int = 4, hostname: String, processID: String) {
        self.facility = facility
        self.severity = severity
        self.refusalSeverity = refusalSeverity
        self.hostname = Self.hostField(hostname)
        self.processID = Self.hostField(processID, limit: 128)
    }

    public init(destination: SyslogDestination, hostname: String, processID: String) {
        self.init(
            facility: destination.facility, severity: destination.severity, refusalSeverity: destination.refusalSeverity,
            hostname: destination.hostname ?? hostname, processID: processID)
    }

    /// This machine's host name (gethostname: no name service lookup).
    public static func localHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "-" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A header field: printable ASCII without spaces, at most `limit` characters; `-` (nil value) when empty.
    static func hostField(_ text: String, limit: Int = 255) -> String {
        let kept = text.unicodeScalars.filter { (33...126).contains($0.value) }.prefix(limit)
        return kept.isEmpty ? "-" : String(String.UnicodeScalarView(kept))
    }

    /// The RFC 5424 message of one record (without framing).
    public func message(_ record: StreamedRecord) -> [UInt8] {
        let pri = facility * 8 + (record.isRefusal ? refusalSeverity : severity)
        let msgID = Self.hostField(record.phase, limit: 32)
        let sequenceID = (record.sequence - 1) % 2_147_483_647 + 1
        var out: [UInt8] = []
        out.reserveCapacity(record.line.utf8.count + 128)
        out += Array("<\(pri)>1 \(record.time) \(hostname) \(Self.appName) \(processID) \(msgID) [meta sequenceId=\"\(sequenceID)\"] ".utf8)
        Self.appendASCII(record.line, to: &out)
        return out
    }

    /// `LEN SP MESSAGE`, LEN the message's length in octets (RFC 5425 octet-counting).
    public static func frame(_ message: [UInt8], into out: inout [UInt8]) {
        out += Array(String(message.count).utf8)
        out.append(0x20)
        out += message
    }

    /// JSON text with every non-ASCII character as a `\uXXXX` escape (UTF-16 surrogate pairs above U+FFFF).
    /// Non-ASCII characters only occur inside JSON strings, where the escape means the same character.
    static func appendASCII(_ json: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        func escape(_ unit: UInt16) {
            out += [0x5C, 0x75]  // \u
            for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((unit >> UInt16(shift)) & 0xF)]) }
        }
        for scalar in json.unicodeScalars {
            if scalar.isASCII {
                out.append(UInt8(scalar.value))
            } else {
                for unit in String(scalar).utf16 { escape(unit) }
            }
        }
    }
}
