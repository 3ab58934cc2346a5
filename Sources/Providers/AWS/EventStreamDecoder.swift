/// Incremental decoder of the `application/vnd.amazon.eventstream` framing: push bytes as they arrive,
/// split anywhere (mid-prelude, mid-header, mid-checksum), and take the complete messages out.
/// Every message is checked before it is returned: the prelude CRC as soon as 12 bytes are there
/// (so a corrupt length is caught before waiting for it), the length bounds, then the message CRC and
/// the headers. The first error ends the stream: a decoder that threw is not pushed to again.
public struct EventStreamDecoder: Sendable {
    public let maxMessageBytes: Int
    private var buffer: [UInt8] = []

    public init(maxMessageBytes: Int = 16 << 20) {
        self.maxMessageBytes = max(EventStreamMessage.minimumBytes, maxMessageBytes)
    }

    /// Appends `bytes` and returns the messages completed by them, in order.
    public mutating func push(_ bytes: some Collection<UInt8>) throws(EventStreamError) -> [EventStreamMessage] {
        buffer.append(contentsOf: bytes)
        var messages: [EventStreamMessage] = []
        var start = 0
        defer { if start > 0 { buffer.removeSubrange(0..<start) } }
        while buffer.count - start >= EventStreamMessage.preludeBytes {
            let total = Int(Self.u32(buffer, start))
            let headersLength = Int(Self.u32(buffer, start + 4))
            guard CRC32.checksum(buffer[start..<(start + 8)]) == Self.u32(buffer, start + 8) else {
                throw .preludeChecksumMismatch
            }
            guard total >= EventStreamMessage.minimumBytes else { throw .messageTooShort(totalLength: total) }
            guard total <= maxMessageBytes else { throw .messageTooLarge(totalLength: total, limit: maxMessageBytes) }
            guard headersLength <= total - EventStreamMessage.minimumBytes else { throw .headersLengthBeyondMessage }
            guard buffer.count - start >= total else { break }
            let end = start + total
            guard CRC32.checksum(buffer[start..<(end - 4)]) == Self.u32(buffer, end - 4) else {
                throw .messageChecksumMismatch
            }
            let headersStart = start + EventStreamMessage.preludeBytes
            let headers = try Self.headers(buffer[headersStart..<(headersStart + headersLength)])
            messages.append(EventStreamMessage(headers: headers, payload: Array(buffer[(headersStart + headersLength)..<(end - 4)])))
            start = end
        }
        return messages
    }

    /// Call at the end of the stream: bytes still buffered are a cut message.
    public func finish() throws(EventStreamError) {
        guard buffer.isEmpty else { throw .truncated(bufferedBytes: buffer.count) }
    }

    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    /// The headers block; a duplicated name is refused (which one to believe is not ours to guess).
    static func headers(_ block: ArraySlice<UInt8>) throws(EventStreamError) -> [String: EventStreamHeaderValue] {
        var headers: [String: EventStreamHeaderValue] = [:]
        var i = block.startIndex
        let end = block.endIndex
        func take(_ n: Int) throws(EventStreamError) -> ArraySlice<UInt8> {
            guard n >= 0, end - i >= n else { throw .malformedHeader }
            defer { i += n }
            return block[i..<(i + n)]
        }
        func integer(_ n: Int) throws(EventStreamError) -> UInt64 {
            try take(n).reduce(0) { $0 << 8 | UInt64($1) }
        }
        while i < end {
            let nameLength = Int(try take(1).first!)
            guard nameLength > 0, let name = String(validating: try take(nameLength), as: UTF8.self) else {
                throw .malformedHeader
            }
            let type = try take(1).first!
            let value: EventStreamHeaderValue
            switch type {
            case 0: value = .bool(true)
            case 1: value = .bool(false)
            case 2: value = .byte(Int8(bitPattern: UInt8(try integer(1))))
            case 3: value = .short(Int16(bitPattern: UInt16(try integer(2))))
            case 4: value = .int(Int32(bitPattern: UInt32(try integer(4))))
            case 5: value = .long(Int64(bitPattern: try integer(8)))
            case 6: value = .bytes(Array(try take(Int(try integer(2)))))
            case 7:
                guard let s = String(validating: try take(Int(try integer(2))), as: UTF8.self) else {
                    throw .malformedHeader
                }
                value = .string(s)
            case 8: value = .timestamp(Int64(bitPattern: try integer(8)))
            case 9: value = .uuid(Array(try take(16)))
            default: throw .unknownHeaderType(type)
            }
            guard headers.updateValue(value, forKey: name) == nil else { throw .malformedHeader }
        }
        return headers
    }
}
