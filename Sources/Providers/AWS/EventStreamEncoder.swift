/// Writes messages in the `application/vnd.amazon.eventstream` framing (see `EventStreamMessage`).
/// Headers are written in name order, so the same message always gives the same bytes.
public enum EventStreamEncoder {
    public static func encode(_ message: EventStreamMessage) -> [UInt8] {
        var headers: [UInt8] = []
        for name in message.headers.keys.sorted() {
            let nameBytes = Array(name.utf8.prefix(255))
            headers.append(UInt8(nameBytes.count))
            headers.append(contentsOf: nameBytes)
            switch message.headers[name]! {
            case .bool(let v): headers.append(v ? 0 : 1)
            case .byte(let v): headers.append(2); headers.append(UInt8(bitPattern: v))
            case .short(let v): headers.append(3); append(UInt64(UInt16(bitPattern: v)), bytes: 2, to: &headers)
            case .int(let v): headers.append(4); append(UInt64(UInt32(bitPattern: v)), bytes: 4, to: &headers)
            case .long(let v): headers.append(5); append(UInt64(bitPattern: v), bytes: 8, to: &headers)
            case .bytes(let v): headers.append(6); appendSized(v, to: &headers)
            case .string(let v): headers.append(7); appendSized(Array(v.utf8), to: &headers)
            case .timestamp(let v): headers.append(8); append(UInt64(bitPattern: v), bytes: 8, to: &headers)
            case .uuid(let v):
                headers.append(9)
                headers.append(contentsOf: (v + [UInt8](repeating: 0, count: 16)).prefix(16))
            }
        }
        let total = EventStreamMessage.minimumBytes + headers.count + message.payload.count
        var out: [UInt8] = []
        out.reserveCapacity(total)
        append(UInt64(total), bytes: 4, to: &out)
        append(UInt64(headers.count), bytes: 4, to: &out)
        append(UInt64(CRC32.checksum(out)), bytes: 4, to: &out)
        out.append(contentsOf: headers)
        out.append(contentsOf: message.payload)
        append(UInt64(CRC32.checksum(out)), bytes: 4, to: &out)
        return out
    }

    private static func append(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A u16 length then the bytes (at most 65535 of them).
    private static func appendSized(_ bytes: [UInt8], to out: inout [UInt8]) {
        let kept = bytes.prefix(Int(UInt16.max))
        append(UInt64(kept.count), bytes: 2, to: &out)
        out.append(contentsOf: kept)
    }
}
