/// One message of the `application/vnd.amazon.eventstream` framing (Bedrock `ConverseStream`,
/// `InvokeModelWithResponseStream`, and other AWS streaming APIs):
///
///     total length u32 | headers length u32 | prelude CRC32 u32 | headers | payload | message CRC32 u32
///
/// big-endian; the prelude CRC covers the first 8 bytes, the message CRC everything before it.
/// Each header is `name length u8 | name (UTF-8) | type u8 | value`.
public struct EventStreamMessage: Sendable, Equatable {
    public var headers: [String: EventStreamHeaderValue]
    public var payload: [UInt8]

    public init(headers: [String: EventStreamHeaderValue], payload: [UInt8]) {
        self.headers = headers
        self.payload = payload
    }

    /// Bytes of the prelude (two lengths and its CRC) and of the trailing message CRC.
    static let preludeBytes = 12
    static let trailerBytes = 4
    /// The smallest message: a prelude and a trailer, no headers, no payload.
    static let minimumBytes = preludeBytes + trailerBytes
}

/// A header value, one case per wire type (0–9).
public enum EventStreamHeaderValue: Sendable, Equatable {
    /// Types 0 (true) and 1 (false): no value bytes.
    case bool(Bool)
    /// Type 2: one signed byte.
    case byte(Int8)
    /// Type 3: big-endian i16.
    case short(Int16)
    /// Type 4: big-endian i32.
    case int(Int32)
    /// Type 5: big-endian i64.
    case long(Int64)
    /// Type 6: u16 length, then the bytes.
    case bytes([UInt8])
    /// Type 7: u16 length, then UTF-8.
    case string(String)
    /// Type 8: big-endian i64, milliseconds since 1970.
    case timestamp(Int64)
    /// Type 9: 16 bytes.
    case uuid([UInt8])

    /// The string value, when the header is a string.
    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }
}

/// Why a byte stream is not a valid event stream. Cases carry sizes at most, never content.
public enum EventStreamError: Error, Sendable, Equatable {
    case preludeChecksumMismatch
    case messageChecksumMismatch
    /// The total length is below the 16-byte minimum.
    case messageTooShort(totalLength: Int)
    /// The total length exceeds the decoder's `maxMessageBytes`.
    case messageTooLarge(totalLength: Int, limit: Int)
    /// The headers length runs past the space the total length leaves for them.
    case headersLengthBeyondMessage
    case unknownHeaderType(UInt8)
    /// A header's name, type or value runs past the headers block, or a name or string is not UTF-8,
    /// or a UUID is not 16 bytes.
    case malformedHeader
    /// Bytes remained when the stream ended: a message was cut.
    case truncated(bufferedBytes: Int)
    /// A message that decodes but is not a Bedrock stream event (no or unknown `:message-type`,
    /// missing `:event-type`, `:exception-type` or `:error-code`).
    case unexpectedMessage
}
