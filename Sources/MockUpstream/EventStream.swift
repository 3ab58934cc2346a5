import HTTPTypes
import Hummingbird

/// The server-sent events of one streamed reply, built before the first byte is sent. Each element is
/// one complete event (`data: ...\n\n`, or `event: ...\ndata: ...\n\n`), written as its own chunk; the
/// ones marked `isDelta` carry produced text and are paced by the chunk delay and counted for cuts.
struct EventStream: Sendable {
    private(set) var events: [(bytes: ByteBuffer, isDelta: Bool)] = []

    init(capacity: Int = 8) {
        events.reserveCapacity(capacity)
    }

    /// Appends `data: <json>\n\n` (Google: `\r\n\r\n`, as its servers send it); `build` writes the JSON.
    mutating func data(isDelta: Bool = false, crlf: Bool = false, _ build: (inout ByteBuffer) -> Void) {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        buffer.writeStaticString("data: ")
        build(&buffer)
        if crlf { buffer.writeStaticString("\r\n\r\n") } else { buffer.writeStaticString("\n\n") }
        events.append((buffer, isDelta))
    }

    /// Appends `event: <name>\ndata: <json>\n\n` (the Responses and Anthropic framing).
    mutating func event(_ name: String, isDelta: Bool = false, _ build: (inout ByteBuffer) -> Void) {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        buffer.writeStaticString("event: ")
        buffer.writeString(name)
        buffer.writeStaticString("\ndata: ")
        build(&buffer)
        buffer.writeStaticString("\n\n")
        events.append((buffer, isDelta))
    }

    /// `data: [DONE]\n\n`, the end of an OpenAI chat stream.
    mutating func done() {
        events.append((Self.doneEvent, false))
    }

    static let doneEvent = ByteBuffer(string: "data: [DONE]\n\n")
}

/// Thrown inside a response body to drop the connection mid-way (an injected cut).
struct InjectedCut: Error {}

extension MockLLM {
    /// A `text/event-stream` response that waits the first-byte delay, then writes the events, pausing
    /// between deltas and closing the connection without the rest after `cutAfter` deltas.
    func streamResponse(_ stream: EventStream, behaviour: MockBehaviour, _ exchange: Exchange) async throws -> Response {
        try await pause(milliseconds: behaviour.firstByteDelayMs)
        var headers = headers(exchange, contentType: "text/event-stream; charset=utf-8")
        headers[.cacheControl] = "no-cache"
        let events = stream.events
        let log = self.log
        let recordID = exchange.recordID
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var deltas = 0
                do {
                    try await pause(milliseconds: behaviour.firstEventDelayMs)
                    for event in events {
                        if event.isDelta {
                            if let cut = behaviour.cutAfter, deltas >= cut { throw InjectedCut() }
                            if deltas > 0 { try await pause(milliseconds: behaviour.chunkDelayMs) }
                            deltas += 1
                        }
                        try await writer.write(event.bytes)
                    }
                    try await writer.finish(nil)
                    log.finish(recordID, .streamCompleted)
                } catch let cut as InjectedCut {
                    log.finish(recordID, .streamCut)
                    throw cut
                } catch {
                    log.finish(recordID, .clientDisconnected)
                    throw error
                }
            })
    }

    /// A JSON response after the first-byte delay; with a cut, only the first `cutAfter × chunkSize` bytes
    /// of the body are sent (chunked, no length) before the connection is closed.
    func jsonResponse(_ body: ByteBuffer, behaviour: MockBehaviour, _ exchange: Exchange) async throws -> Response {
        try await pause(milliseconds: behaviour.firstByteDelayMs)
        let headers = headers(exchange, contentType: "application/json")
        guard let cut = behaviour.cutAfter else {
            log.finish(exchange.recordID, .responded)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
        let partial = body.getSlice(at: body.readerIndex, length: min(body.readableBytes, cut * behaviour.chunkSize))!
        log.finish(exchange.recordID, .streamCut)
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(partial)
                throw InjectedCut()
            })
    }
}
