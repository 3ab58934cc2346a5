import Hummingbird

extension ResponseShape {
    /// The Responses API event sequence of this reply, each event `event: TYPE\ndata: {...}\n\n` with a
    /// running `sequence_number`, as the official API sends it.
    func events() -> EventStream {
        var stream = EventStream(capacity: reply.pieces.count + 10)
        var sequence = 0
        func emit(_ type: StaticString, isDelta: Bool = false, _ body: (inout ByteBuffer) -> Void) {
            let name = String(describing: type)
            stream.event(name, isDelta: isDelta) { b in
                b.writeStaticString("{\"type\":\"")
                b.writeStaticString(type)
                b.writeStaticString("\",\"sequence_number\":")
                b.writeJSONInt(sequence)
                body(&b)
                b.writeStaticString("}")
            }
            sequence += 1
        }
        // `"item_id":"…","output_index":0` — shared by every item-level event.
        var itemRef = ByteBuffer()
        itemRef.writeStaticString(",\"item_id\":")
        itemRef.writeJSONString(itemID)
        itemRef.writeStaticString(",\"output_index\":0")

        emit("response.created") { b in
            b.writeStaticString(",\"response\":")
            writeResponse(into: &b, final: false)
        }
        emit("response.in_progress") { b in
            b.writeStaticString(",\"response\":")
            writeResponse(into: &b, final: false)
        }
        emit("response.output_item.added") { b in
            b.writeStaticString(",\"output_index\":0,\"item\":")
            writeItem(into: &b, done: false)
        }
        switch reply.content {
        case .text:
            let text = reply.producedText
            emit("response.content_part.added") { b in
                b.writeImmutableBuffer(itemRef)
                b.writeStaticString(",\"content_index\":0,\"part\":")
                writePart(into: &b, text: "")
            }
            for piece in reply.pieces {
                emit("response.output_text.delta", isDelta: true) { b in
                    b.writeImmutableBuffer(itemRef)
                    b.writeStaticString(",\"content_index\":0,\"delta\":")
                    b.writeJSONString(piece)
                    b.writeStaticString(",\"logprobs\":[]")
                }
            }
            emit("response.output_text.done") { b in
                b.writeImmutableBuffer(itemRef)
                b.writeStaticString(",\"content_index\":0,\"text\":")
                b.writeJSONString(text)
                b.writeStaticString(",\"logprobs\":[]")
            }
            emit("response.content_part.done") { b in
                b.writeImmutableBuffer(itemRef)
                b.writeStaticString(",\"content_index\":0,\"part\":")
                writePart(into: &b, text: text)
            }
        case .toolCall(let name, _):
            for piece in reply.pieces {
                emit("response.function_call_arguments.delta", isDelta: true) { b in
                    b.writeImmutableBuffer(itemRef)
                    b.writeStaticString(",\"delta\":")
                    b.writeJSONString(piece)
                }
            }
            emit("response.function_call_arguments.done") { b in
                b.writeImmutableBuffer(itemRef)
                b.writeStaticString(",\"name\":")
                b.writeJSONString(name)
                b.writeStaticString(",\"arguments\":")
                b.writeJSONString(reply.producedText)
            }
        }
        emit("response.output_item.done") { b in
            b.writeStaticString(",\"output_index\":0,\"item\":")
            writeItem(into: &b, done: true)
        }
        emit(reply.truncated ? "response.incomplete" : "response.completed") { b in
            b.writeStaticString(",\"response\":")
            writeResponse(into: &b, final: true)
        }
        return stream
    }
}
