/// A strict RFC 8259 parser from bytes to `JSONValue`, used on the request path for JWT headers and
/// claims, request bodies and streamed answer chunks.
///
/// Hand-written because decoding `JSONValue` through Foundation's `JSONDecoder` tries each type in turn and
/// costs hundreds of microseconds per token (measured), and no JSON library in the package mirror targets
/// `JSONValue`. Stricter than the usual decoders where it matters for tokens: duplicate member names are
/// refused (RFC 7515 §5.2 — two `sub`s would let two readers disagree), invalid UTF-8, control characters,
/// lone surrogates, leading zeros and trailing content are refused, nesting is limited (`maxDepth`).
/// For a gateway, refusing duplicate member names also closes request smuggling: the gateway and the
/// provider can never read different values of the same field.
public enum JSONParser {
    /// Where parsing stopped (byte offset into the input).
    public struct Failure: Error, Sendable, Equatable {
        public let offset: Int
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(Failure) -> JSONValue {
        var parser = Parser(bytes: bytes, maxDepth: maxDepth)
        let value: JSONValue
        do {
            value = try parser.value(depth: 0)
        } catch {
            throw Failure(offset: parser.index)
        }
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Failure(offset: parser.index) }
        return value
    }

    struct Invalid: Error {}

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        let maxDepth: Int

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func value(depth: Int) throws(Invalid) -> JSONValue {
            guard depth < maxDepth else { throw Invalid() }
            skipWhitespace()
            guard index < bytes.count else { throw Invalid() }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try number()
            }
        }

        mutating func literal(_ word: StaticString) throws(Invalid) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw Invalid() }
            for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw Invalid() }
            index += count
        }

        mutating func object(depth: Int) throws(Invalid) -> JSONValue {
            index += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Invalid() }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Invalid() }
                index += 1
                let member = try value(depth: depth + 1)
                guard members.updateValue(member, forKey: key) == nil else { throw Invalid() }
                skipWhitespace()
                guard index < bytes.count else { throw Invalid() }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { throw Invalid() }
                index += 1
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(Invalid) -> JSONValue {
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw Invalid() }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { throw Invalid() }
                index += 1
                return .array(items)
            }
        }

        mutating func string() throws(Invalid) -> String {
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    guard let s = String(validating: bytes[start..<index], as: UTF8.self) else { throw Invalid() }
                    index += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw Invalid() }
                index += 1
            }
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let b = bytes[index]
                switch b {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let s = String(validating: out, as: UTF8.self) else { throw Invalid() }
                    return s
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw Invalid() }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                            else { throw Invalid() }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw Invalid() }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(scalar) {
                            throw Invalid()
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw Invalid() }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw Invalid()
                    }
                default:
                    if b < 0x20 { throw Invalid() }
                    out.append(b)
                    index += 1
                }
            }
            throw Invalid()
        }

        mutating func hex4() throws(Invalid) -> UInt32 {
            guard index + 4 <= bytes.count else { throw Invalid() }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let d = Hex.value(of: bytes[index]) else { throw Invalid() }
                v = v << 4 | UInt32(d)
                index += 1
            }
            return v
        }

        mutating func number() throws(Invalid) -> JSONValue {
            let start = index
            var isInteger = true
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { throw Invalid() }
            if bytes[index] == 0x30 {
                index += 1
                if index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { throw Invalid() }  // leading zero
            } else {
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { throw Invalid() }
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { throw Invalid() }
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            }
            if isInteger && index - start <= 18 {
                var v = 0
                var i = start
                let negative = bytes[i] == UInt8(ascii: "-")
                if negative { i += 1 }
                while i < index { v = v * 10 + Int(bytes[i] - 0x30); i += 1 }
                return .integer(negative ? -v : v)
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if isInteger, let i = Int(text) { return .integer(i) }
            guard let d = Double(text), d.isFinite else { throw Invalid() }
            return .number(d)
        }
    }
}
