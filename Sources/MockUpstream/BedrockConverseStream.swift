import Hummingbird
import Providers

/// The `ConverseStream` answer as Bedrock sends it, in the `application/vnd.amazon.eventstream`
/// framing: `messageStart` {role}; per content block (`contentBlockIndex` from 0): for a tool use a
/// `contentBlockStart` {start:{toolUse:{toolUseId,name}}}, then the `contentBlockDelta`s ({text} or
/// {toolUse:{input: <JSON fragment>}}), then `contentBlockStop`; `messageStop` {stopReason};
/// `metadata` {usage, metrics}. Every event message has the headers `:event-type`,
/// `:content-type: application/json` and `:message-type: event`; deltas count for pacing and cuts.
extension BedrockConverseShape {
    func frames() -> [(bytes: [UInt8], isDelta: Bool)] {
        var frames: [(bytes: [UInt8], isDelta: Bool)] = []
        func add(_ type: String, isDelta: Bool = false, _ build: (inout ByteBuffer) -> Void) {
            var json = ByteBuffer()
            build(&json)
            frames.append((Self.event(type, payload: Array(json.readableBytesView)), isDelta))
        }
        add("messageStart") { $0.writeStaticString("{\"role\":\"assistant\"}") }
        for (index, block) in blocks.enumerated() {
            switch block {
            case .text(_, let pieces):
                for piece in pieces {
                    add("contentBlockDelta", isDelta: true) { b in
                        b.writeStaticString("{\"contentBlockIndex\":")
                        b.writeJSONInt(index)
                        b.writeStaticString(",\"delta\":{\"text\":")
                        b.writeJSONString(piece)
                        b.writeStaticString("}}")
                    }
                }
            case .toolUse(let id, let name, _, let pieces):
                add("contentBlockStart") { b in
                    b.writeStaticString("{\"contentBlockIndex\":")
                    b.writeJSONInt(index)
                    b.writeStaticString(",\"start\":{\"toolUse\":{\"toolUseId\":")
                    b.writeJSONString(id)
                    b.writeStaticString(",\"name\":")
                    b.writeJSONString(name)
                    b.writeStaticString("}}}")
                }
                for piece in pieces {
                    add("contentBlockDelta", isDelta: true) { b in
                        b.writeStaticString("{\"contentBlockIndex\":")
                        b.writeJSONInt(index)
                        b.writeStaticString(",\"delta\":{\"toolUse\":{\"input\":")
                        b.writeJSONString(piece)
                        b.writeStaticString("}}}")
                    }
                }
            }
            add("contentBlockStop") { b in
                b.writeStaticString("{\"contentBlockIndex\":")
                b.writeJSONInt(index)
                b.writeStaticString("}")
            }
        }
        add("messageStop") { b in
            b.writeStaticString("{\"stopReason\":")
            b.writeJSONString(stopReason)
            b.writeStaticString("}")
        }
        add("metadata") { b in
            b.writeStaticString("{")
            writeUsageAndMetrics(into: &b)
            b.writeStaticString("}")
        }
        return frames
    }

    static func event(_ type: String, payload: [UInt8]) -> [UInt8] {
        EventStreamEncoder.encode(
            EventStreamMessage(
                headers: [
                    ":event-type": .string(type), ":content-type": .string("application/json"),
                    ":message-type": .string("event"),
                ],
                payload: payload))
    }

    /// An in-stream exception (`:message-type: exception`), payload `{"message": ...}`.
    static func exception(_ type: String, message: String) -> [UInt8] {
        var json = ByteBuffer()
        json.writeStaticString("{\"message\":")
        json.writeJSONString(message)
        json.writeStaticString("}")
        return EventStreamEncoder.encode(
            EventStreamMessage(
                headers: [
                    ":exception-type": .string(type), ":content-type": .string("application/json"),
                    ":message-type": .string("exception"),
                ],
                payload: Array(json.readableBytesView)))
    }
}

extension MockLLM {
    /// Writes the frames after the first-byte delay, pausing between deltas; with `splitBytes`, in
    /// chunks of that many bytes regardless of frame boundaries; with `cutAfter`, closes the connection
    /// after that many deltas (what was written may end mid-frame); with `exception`, sends that
    /// exception message after `cutAfter ?? 1` deltas and ends the stream there.
    func bedrockStreamResponse(
        _ frames: [(bytes: [UInt8], isDelta: Bool)], behaviour: MockBehaviour, exception: String?, _ exchange: Exchange
    ) async throws -> Response {
        try await pause(milliseconds: behaviour.firstByteDelayMs)
        var headers = headers(exchange, contentType: "application/vnd.amazon.eventstream")
        headers[.amznRequestID] = exchange.requestID
        let log = self.log
        let recordID = exchange.recordID
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var pending: [UInt8] = []
                var deltas = 0
                var ending: RequestLog.Outcome = .streamCompleted
                do {
                    for frame in frames {
                        if frame.isDelta {
                            if let exception, deltas >= (behaviour.cutAfter ?? 1) {
                                pending += BedrockConverseShape.exception(
                                    exception, message: "mock upstream injected \(exception)")
                                ending = .errorInjected
                                break
                            }
                            if let cut = behaviour.cutAfter, deltas >= cut {
                                if !pending.isEmpty { try await writer.write(ByteBuffer(bytes: pending)) }
                                throw InjectedCut()
                            }
                            if deltas > 0 { try await pause(milliseconds: behaviour.chunkDelayMs) }
                            deltas += 1
                        }
                        pending += frame.bytes
                        let piece = behaviour.splitBytes ?? pending.count
                        var start = 0
                        while pending.count - start >= piece, piece > 0 {
                            try await writer.write(ByteBuffer(bytes: pending[start..<(start + piece)]))
                            start += piece
                        }
                        pending.removeFirst(start)
                    }
                    if !pending.isEmpty { try await writer.write(ByteBuffer(bytes: pending)) }
                    try await writer.finish(nil)
                    log.finish(recordID, ending)
                } catch let cut as InjectedCut {
                    log.finish(recordID, .streamCut)
                    throw cut
                } catch {
                    log.finish(recordID, .clientDisconnected)
                    throw error
                }
            })
    }
}
