import Core

/// Writes the canonical JSON of a record: object keys sorted by their UTF-8 bytes, no whitespace, strings
/// escaped minimally (`"`, `\`, control characters; `/` and non-ASCII as is), integers in decimal,
/// doubles in Swift's shortest round-trip form (non-finite as null), absent optionals omitted.
/// Written by hand because Foundation's JSONEncoder costs ~40 µs a record inside the trail's serial
/// section (measured: AuditBench --pieces). Records themselves are written by `CanonicalRecordWriter`
/// (same format, no tree); this encoder serves the other canonical documents (content envelopes).
/// `AuditRecord` decodes with the synthesized `Decodable`, and a test checks that every field round-trips.
struct CanonicalJSON {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    static func encode(_ value: JSONValue) -> [UInt8] {
        var w = CanonicalJSON()
        w.write(value)
        return w.bytes
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: bytes += "null".utf8
        case .bool(let b): bytes += (b ? "true" : "false").utf8
        case .integer(let i): bytes += String(i).utf8
        case .number(let d): bytes += (d.isFinite ? d.description : "null").utf8
        case .string(let s): writeString(s)
        case .array(let a):
            bytes.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(v)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let o):
            bytes.append(UInt8(ascii: "{"))
            for (i, key) in o.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                write(o[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                bytes += Array("\\u00".utf8)
                bytes += [Self.hexDigits[Int(b >> 4)], Self.hexDigits[Int(b & 0xF)]]
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
