/// The one canonical JSON writer of Portcullis: audit records (`CanonicalRecordWriter` writes the same bytes
/// field by field) and content envelopes, which are hashed; response-cache keys; every body and stream chunk
/// the gateway re-encodes (`serialized()`). One rule, so the same value is the same bytes everywhere:
///
/// - no insignificant whitespace;
/// - object members sorted by the **UTF-8 bytes** of their names (plain unsigned byte comparison, shorter
///   first on a common prefix). Not Swift's `String <`, which compares canonically equivalent (NFC) scalars:
///   it puts `"\u{212B}"` (Å, ANGSTROM SIGN, bytes E2 84 AB) before `"\u{C6}"` (Æ, C3 86); bytes order
///   them the other way, as any other language's byte comparison does;
/// - strings: `"` and `\` escaped, `\n` `\r` `\t` in their short forms, every other byte below 0x20 as
///   `\u00xx` (lowercase hex); everything else — `/`, DEL, non-ASCII — as its UTF-8 bytes, unescaped;
/// - `.integer` in decimal (`-`, no leading zeros);
/// - `.number` (a double) in Swift's shortest round-trip form, `Double.description`: `2.5`, `120.0`,
///   `-0.0`, `0.00042`, `1e-05`, `1e+16`, `5e-324`. An integral double keeps its `.0`, so `.number(2)`
///   and `.integer(2)` stay distinct, as the parser read them (`2.0` and `2`); non-finite numbers are
///   written as `null`.
///
/// Why this rule: it is the one the audit trail has always written (records since the hand-written encoder,
/// content envelopes), and stored records must keep meaning what they meant. Verification hashes the stored
/// bytes and never re-encodes, so no rule could break an old trail, but a writer whose numbers or key order
/// differed from the stored records' would make the same record two different byte strings. Cache keys and
/// forwarded bodies had looser rules (`String <`, integral doubles as integers); they follow this one now.
///
/// Hand-written, not Foundation's `JSONEncoder`, because it runs for every rewritten stream chunk and every
/// audit record: members are ordered through a stack buffer of dictionary indices (no key copies, no second
/// lookup), unescaped runs of a string are copied at once, integers are formatted without a `String`.
package enum CanonicalJSON {
    package static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): writeInteger(i, into: &out)
        case .number(let d): writeNumber(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members): write(members: members, into: &out)
        }
    }

    /// An object, leaving out the members named in `skipping` (the response cache drops transport fields).
    package static func write(members: [String: JSONValue], skipping: Set<String> = [], into out: inout [UInt8]) {
        typealias Index = Dictionary<String, JSONValue>.Index
        out.append(UInt8(ascii: "{"))
        withUnsafeTemporaryAllocation(of: Index.self, capacity: members.count) { buffer in
            var count = 0
            var i = members.startIndex
            while i != members.endIndex {
                if skipping.isEmpty || !skipping.contains(members.keys[i]) {
                    buffer.initializeElement(at: count, to: i)
                    count += 1
                }
                members.formIndex(after: &i)
            }
            var order = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
            order.sort { precedes(members.keys[$0], members.keys[$1]) }
            for (n, index) in order.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                let member = members[index]
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            _ = order.deinitialize()
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The member order: by UTF-8 bytes (see the rule above).
    package static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
    }

    /// A double: shortest round-trip form, `null` when not finite.
    package static func writeNumber(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite else { return out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: d.description.utf8)
    }

    /// Decimal digits written back to front into a stack tuple: no `String` per integer.
    package static func writeInteger(_ value: Int, into out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var n = 0
            while magnitude > 0 {
                buffer[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            return n
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { out.append(contentsOf: $0[(24 - count)...]) }
    }

    /// Runs of bytes that need no escape are copied at once; only `"`, `\` and controls are rewritten.
    package static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var run = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
                run = i + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: "u00".utf8)
                    Hex.append(byte, to: &out)
                }
            }
            if run < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The canonical JSON bytes of this value (`CanonicalJSON`: sorted members, no whitespace).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        CanonicalJSON.write(self, into: &out)
        return out
    }

    /// Appends the canonical JSON bytes of this value.
    public func write(into out: inout [UInt8]) { CanonicalJSON.write(self, into: &out) }
}
