/// Incremental server-sent-events parser: bytes in, complete events out, no matter where the
/// transport splits them (inside a line, inside a CRLF, inside a UTF-8 sequence).
///
/// Written by hand on purpose: the only SSE library in the package mirror (mattt/EventSource) parses
/// through an actor with one `await` per byte and depends on URLSession; this path runs for every
/// streamed chunk of every response, so it is a plain value type working on bytes.
public struct SSEFramer: Sendable {
    private var line: [UInt8] = []
    private var previousWasCR = false
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    private var eventID: String?
    /// Refuse absurd lines from a misbehaving upstream instead of growing without bound.
    private let maxLineBytes: Int

    public init(maxLineBytes: Int = 8 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    public enum Failure: Error, Equatable {
        case lineTooLong
    }

    /// Feeds bytes; returns the events completed by them.
    public mutating func push<Bytes: Sequence>(_ bytes: Bytes) throws -> [SSEEvent] where Bytes.Element == UInt8 {
        var events: [SSEEvent] = []
        for byte in bytes {
            if previousWasCR {
                previousWasCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                previousWasCR = byte == UInt8(ascii: "\r")
                if let event = processLine() { events.append(event) }
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
                if line.count > maxLineBytes { throw Failure.lineTooLong }
            }
        }
        return events
    }

    /// End of stream. Per the specification an event not terminated by a blank line is discarded;
    /// a final unterminated line is still processed first.
    public mutating func finish() -> [SSEEvent] {
        if !line.isEmpty {
            _ = processLine()
            line.removeAll()
        }
        return []
    }

    private mutating func processLine() -> SSEEvent? {
        if line.isEmpty {
            defer {
                data.removeAll(keepingCapacity: true)
                hasData = false
                eventName = nil
            }
            guard hasData else { return nil }
            return SSEEvent(event: eventName, data: data, id: eventID)
        }
        if line.first == UInt8(ascii: ":") { return nil }  // comment / keep-alive
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = colon.map { line[..<$0] } ?? line[...]
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = line[valueStart...]
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            data += value
            hasData = true
        case "event":
            eventName = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { eventID = String(decoding: value, as: UTF8.self) }
        default:
            break  // `retry` and unknown fields are ignored, as the specification says
        }
        return nil
    }
}
