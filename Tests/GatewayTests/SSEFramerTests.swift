import Testing
@testable import Gateway

@Suite struct SSEFramerTests {
    static let stream = Array((
        "data: {\"choices\":[{\"delta\":{\"content\":\"Hé\"}}]}\r\n\r\n" +
        ": keep-alive\n\n" +
        "event: response.output_text.delta\ndata: {\"delta\":\"ll😀\"}\n\n" +
        "data: line one\ndata: line two\rid: 7\r\r" +
        "data: [DONE]\n\n").utf8)

    static let expected: [SSEEvent] = [
        SSEEvent(data: Array("{\"choices\":[{\"delta\":{\"content\":\"Hé\"}}]}".utf8)),
        SSEEvent(event: "response.output_text.delta", data: Array("{\"delta\":\"ll😀\"}".utf8)),
        SSEEvent(data: Array("line one\nline two".utf8), id: "7"),
        SSEEvent(data: Array("[DONE]".utf8), id: "7"),
    ]

    @Test func wholeStream() throws {
        var framer = SSEFramer()
        #expect(try framer.push(Self.stream) == Self.expected)
    }

    @Test func splitAtEveryBytePosition() throws {
        for cut in 0...Self.stream.count {
            var framer = SSEFramer()
            let events = try framer.push(Self.stream[..<cut]) + framer.push(Self.stream[cut...])
            #expect(events == Self.expected, "split at byte \(cut)")
        }
    }

    @Test func byteByByte() throws {
        var framer = SSEFramer()
        var events: [SSEEvent] = []
        for b in Self.stream { events += try framer.push([b]) }
        #expect(events == Self.expected)
    }

    @Test func unterminatedEventIsDiscardedAtEnd() throws {
        var framer = SSEFramer()
        #expect(try framer.push(Array("data: partial".utf8)).isEmpty)
        #expect(framer.finish().isEmpty)
    }

    @Test func overlongLineIsRefused() {
        var framer = SSEFramer(maxLineBytes: 16)
        #expect(throws: SSEFramer.Failure.lineTooLong) { try framer.push(Array(repeating: UInt8(ascii: "a"), count: 17)) }
    }

    @Test func encodingRoundTrips() throws {
        for event in Self.expected {
            var framer = SSEFramer()
            #expect(try framer.push(event.encoded()) == [event])
        }
    }
}
