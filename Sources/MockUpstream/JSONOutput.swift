import Hummingbird
import Support

// Hand-written JSON output. The mock is the baseline of the gateway's latency benchmarks, so responses
// are written straight into a ByteBuffer from pre-built fragments instead of going through
// JSONEncoder/JSONSerialization on every chunk. Only string escaping is needed: every other value the
// mock emits is a number, a boolean or a fixed fragment.
extension ByteBuffer {
    /// Writes `value` as a JSON string literal, quotes included (RFC 8259 escaping; non-ASCII is
    /// written as UTF-8, which JSON allows).
    @inlinable
    mutating func writeJSONString(_ value: some StringProtocol) {
        writeInteger(UInt8(ascii: "\""))
        writeJSONStringContents(value)
        writeInteger(UInt8(ascii: "\""))
    }

    /// Writes the escaped contents of a JSON string, without the surrounding quotes.
    @inlinable
    mutating func writeJSONStringContents(_ value: some StringProtocol) {
        var needsEscape = false
        for byte in value.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        guard needsEscape else {
            writeString(String(value))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): writeStaticString("\\\"")
            case UInt8(ascii: "\\"): writeStaticString("\\\\")
            case 0x0A: writeStaticString("\\n")
            case 0x0D: writeStaticString("\\r")
            case 0x09: writeStaticString("\\t")
            case 0x08: writeStaticString("\\b")
            case 0x0C: writeStaticString("\\f")
            case 0..<0x20:
                writeStaticString("\\u00")
                writeInteger(Hex.digit(byte >> 4))
                writeInteger(Hex.digit(byte & 0x0F))
            default: writeInteger(byte)
            }
        }
    }

    /// Writes a JSON string or `null`.
    @inlinable
    mutating func writeJSONOptionalString(_ value: String?) {
        if let value { writeJSONString(value) } else { writeStaticString("null") }
    }

    /// Writes a decimal integer.
    @inlinable
    mutating func writeJSONInt(_ value: Int) {
        writeString(String(value))
    }
}

extension String {
    /// The JSON string literal of this string, quotes included.
    var jsonQuoted: String {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(utf8.count + 2)
        buffer.writeJSONString(self)
        return String(buffer: buffer)
    }
}
