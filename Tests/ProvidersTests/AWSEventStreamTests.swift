import Testing

@testable import Providers

@Suite struct AWSEventStreamTests {
    /// Published vectors of the AWS SDK for JavaScript v3 (`eventstream-marshaller` TestVectors fixture).
    enum Published {
        static let emptyMessage: [UInt8] = [0, 0, 0, 16, 0, 0, 0, 0, 5, 194, 72, 235, 125, 152, 200, 255]
        static let int32Header: [UInt8] = [
            0, 0, 0, 45, 0, 0, 0, 16, 65, 196, 36, 184, 10, 101, 118, 101, 110, 116, 45, 116, 121, 112, 101, 4, 0, 0,
            160, 12, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 54, 244, 128, 160,
        ]
        static let payloadNoHeaders: [UInt8] = [
            0, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 195,
            101, 57, 54,
        ]
        static let oneStringHeader: [UInt8] = [
            0, 0, 0, 61, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112, 101, 7,
            0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 39, 102, 111, 111,
            39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177,
        ]
        static let corruptedLength: [UInt8] = [
            1, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 195,
            101, 57, 54,
        ]
        static let corruptedPayload: [UInt8] = [
            0, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 141, 195,
            101, 57, 54,
        ]
        static let fooBar = Array("{'foo':'bar'}".utf8)
    }

    static func decodeAll(_ bytes: [UInt8]) throws(EventStreamError) -> [EventStreamMessage] {
        var decoder = EventStreamDecoder()
        let messages = try decoder.push(bytes)
        try decoder.finish()
        return messages
    }

    static func event(_ type: String, _ json: String) -> EventStreamMessage {
        EventStreamMessage(
            headers: [":event-type": .string(type), ":content-type": .string("application/json"), ":message-type": .string("event")],
            payload: Array(json.utf8))
    }

    @Test func crcMatchesZlib() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 3_421_780_262)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func publishedVectorsDecode() throws {
        #expect(try Self.decodeAll(Published.emptyMessage) == [EventStreamMessage(headers: [:], payload: [])])
        #expect(try Self.decodeAll(Published.int32Header) == [EventStreamMessage(headers: ["event-type": .int(40972)], payload: Published.fooBar)])
        #expect(try Self.decodeAll(Published.payloadNoHeaders) == [EventStreamMessage(headers: [:], payload: Published.fooBar)])
        #expect(try Self.decodeAll(Published.oneStringHeader)
            == [EventStreamMessage(headers: ["content-type": .string("application/json")], payload: Published.fooBar)])
        #expect(throws: EventStreamError.preludeChecksumMismatch) { try Self.decodeAll(Published.corruptedLength) }
        #expect(throws: EventStreamError.messageChecksumMismatch) { try Self.decodeAll(Published.corruptedPayload) }
    }

    @Test func encoderReproducesPublishedVectors() {
        #expect(EventStreamEncoder.encode(.init(headers: [:], payload: [])) == Published.emptyMessage)
        #expect(EventStreamEncoder.encode(.init(headers: ["event-type": .int(40972)], payload: Published.fooBar)) == Published.int32Header)
        #expect(EventStreamEncoder.encode(.init(headers: ["content-type": .string("application/json")], payload: Published.fooBar))
            == Published.oneStringHeader)
    }

    @Test func everyHeaderTypeRoundTrips() throws {
        let message = EventStreamMessage(
            headers: [
                "t": .bool(true), "f": .bool(false), "b": .byte(-7), "s": .short(-300), "i": .int(Int32.min),
                "l": .long(Int64.max), "by": .bytes([0, 1, 255]), "str": .string("héllo"), "ts": .timestamp(1_700_000_000_123),
                "u": .uuid(Array(0..<16)),
            ],
            payload: Array("payload".utf8))
        #expect(try Self.decodeAll(EventStreamEncoder.encode(message)) == [message])
    }

    @Test func splitAtEveryByteAndOneByteAtATime() throws {
        let messages = [
            Self.event("messageStart", #"{"role":"assistant"}"#),
            Self.event("contentBlockDelta", #"{"delta":{"text":"Hi ✓"},"contentBlockIndex":0}"#),
            EventStreamMessage(headers: [:], payload: []),
            Self.event("metadata", #"{"usage":{"inputTokens":1,"outputTokens":2,"totalTokens":3}}"#),
        ]
        let bytes = messages.flatMap(EventStreamEncoder.encode)
        for cut in 0...bytes.count {
            var decoder = EventStreamDecoder()
            var got = try decoder.push(bytes[..<cut])
            got += try decoder.push(bytes[cut...])
            try decoder.finish()
            #expect(got == messages, "split at \(cut)")
        }
        var decoder = EventStreamDecoder()
        var got: [EventStreamMessage] = []
        for byte in bytes { got += try decoder.push([byte]) }
        try decoder.finish()
        #expect(got == messages)
    }

    @Test func truncatedStreamFailsAtFinish() throws {
        let bytes = EventStreamEncoder.encode(Self.event("messageStop", #"{"stopReason":"end_turn"}"#))
        var decoder = EventStreamDecoder()
        #expect(try decoder.push(bytes.dropLast(3)).isEmpty)
        #expect(throws: EventStreamError.truncated(bufferedBytes: bytes.count - 3)) { try decoder.finish() }
    }

    /// A message with valid checksums around a broken inside: builds prelude and CRCs by hand.
    static func framed(headers: [UInt8], payload: [UInt8] = [], total: Int? = nil, headersLength: Int? = nil) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        var out = be32(total ?? 16 + headers.count + payload.count) + be32(headersLength ?? headers.count)
        out += be32(Int(CRC32.checksum(out)))
        out += headers + payload
        return out + be32(Int(CRC32.checksum(out)))
    }

    @Test func framingErrors() {
        #expect(throws: EventStreamError.messageTooShort(totalLength: 12)) { try Self.decodeAll(Self.framed(headers: [], total: 12)) }
        var small = EventStreamDecoder(maxMessageBytes: 64)
        #expect(throws: EventStreamError.messageTooLarge(totalLength: 100, limit: 64)) {
            _ = try small.push(Self.framed(headers: [], payload: [UInt8](repeating: 1, count: 84)))
        }
        #expect(throws: EventStreamError.headersLengthBeyondMessage) {
            try Self.decodeAll(Self.framed(headers: [], payload: [1, 2], headersLength: 3))
        }
        #expect(throws: EventStreamError.unknownHeaderType(10)) { try Self.decodeAll(Self.framed(headers: [1, 0x61, 10])) }
        #expect(throws: EventStreamError.malformedHeader) { try Self.decodeAll(Self.framed(headers: [1, 0x61, 7, 0, 5, 0x62])) }
        #expect(throws: EventStreamError.malformedHeader) { try Self.decodeAll(Self.framed(headers: [5, 0x61])) }
        #expect(throws: EventStreamError.malformedHeader) { try Self.decodeAll(Self.framed(headers: [1, 0x61, 0, 1, 0x61, 1])) }
        #expect(throws: EventStreamError.malformedHeader) { try Self.decodeAll(Self.framed(headers: [1, 0xFF, 0])) }
    }

    @Test func bedrockEventNames() throws {
        let delta = Self.event("contentBlockDelta", #"{"delta":{"text":"x"}}"#)
        #expect(try BedrockStreamEvent.named(delta).name == "contentBlockDelta")
        #expect(try BedrockStreamEvent.named(delta).data == delta.payload)
        let exception = EventStreamMessage(
            headers: [":message-type": .string("exception"), ":exception-type": .string("throttlingException")],
            payload: Array(#"{"message":"slow down"}"#.utf8))
        #expect(try BedrockStreamEvent.named(exception).name == "exception:throttlingException")
        let error = EventStreamMessage(
            headers: [":message-type": .string("error"), ":error-code": .string("InternalFailure"), ":error-message": .string("a \"b\"\n")],
            payload: [])
        let named = try BedrockStreamEvent.named(error)
        #expect(named.name == "error:InternalFailure")
        #expect(String(decoding: named.data, as: UTF8.self) == #"{"message":"a \"b\"\n"}"#)
        #expect(throws: EventStreamError.unexpectedMessage) { try BedrockStreamEvent.named(.init(headers: [:], payload: [])) }
        #expect(throws: EventStreamError.unexpectedMessage) {
            try BedrockStreamEvent.named(.init(headers: [":message-type": .string("gossip"), ":event-type": .string("x")], payload: []))
        }
        #expect(throws: EventStreamError.unexpectedMessage) {
            try BedrockStreamEvent.named(.init(headers: [":message-type": .string("event")], payload: []))
        }
        #expect(throws: EventStreamError.unexpectedMessage) {
            try BedrockStreamEvent.named(.init(headers: [":message-type": .int(1), ":event-type": .string("x")], payload: []))
        }
    }
}
