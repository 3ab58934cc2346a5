import NIOCore
import Providers

/// Cuts a provider's streamed body into events, whatever its framing: server-sent events, or AWS event-stream
/// frames (Bedrock ConverseStream), whose prelude and message checksums are verified and whose headers name
/// each event (`BedrockStreamEvent`). Both give `SSEEvent`s (name and JSON data) to the translation.
struct UpstreamFramer {
    // Two optionals rather than an enum with payloads: mutated in place, so a framer's buffer is never copied.
    private var sse: SSEFramer?
    private var eventStream: EventStreamDecoder?

    init(_ framing: StreamFraming) {
        switch framing {
        case .serverSentEvents: sse = SSEFramer()
        case .awsEventStream: eventStream = EventStreamDecoder()
        }
    }

    mutating func push(_ bytes: ByteBufferView) throws -> [SSEEvent] {
        if sse != nil { return try sse!.push(bytes) }
        return try eventStream!.push(bytes).map { message in
            let (name, data) = try BedrockStreamEvent.named(message)
            return SSEEvent(event: name, data: data)
        }
    }

    /// The body ended: a binary frame left incomplete is a broken stream (an SSE tail without its blank line
    /// is left to the stream's own end checks).
    func finish() throws {
        try eventStream?.finish()
    }
}
