import Hummingbird

/// The event stream of an Anthropic answer, as the real API sends it:
/// `message_start` (input usage, `output_tokens: 1`), then per content block, with `index` counting
/// from 0: `content_block_start` (the block's empty form), the deltas, `content_block_stop`. A `ping`
/// follows the first `content_block_start`. Deltas: `thinking_delta` pieces then one `signature_delta`
/// (thinking), none (redacted_thinking, whole at its start), `text_delta` (text), `input_json_delta`
/// (tool_use). Then `message_delta` (stop reason, stop sequence, final `output_tokens`), `message_stop`.
/// Every delta counts for pacing and cuts.
extension AnthropicMessageShape {
    func events() -> EventStream {
        var capacity = 8
        for block in blocks { capacity += 3 + Self.pieces(of: block).count }
        var stream = EventStream(capacity: capacity)
        stream.event("message_start") { b in
            b.writeStaticString("{\"type\":\"message_start\",\"message\":")
            writeMessage(into: &b, final: false)
            b.writeStaticString("}")
        }
        for (index, block) in blocks.enumerated() {
            stream.event("content_block_start") { b in
                b.writeStaticString("{\"type\":\"content_block_start\",\"index\":")
                b.writeJSONInt(index)
                b.writeStaticString(",\"content_block\":")
                writeBlock(block, into: &b, final: false)
                b.writeStaticString("}")
            }
            if index == 0 { stream.event("ping") { $0.writeStaticString("{\"type\":\"ping\"}") } }
            let kind: StaticString
            switch block {
            case .thinking: kind = "thinking_delta\",\"thinking\":"
            case .text: kind = "text_delta\",\"text\":"
            case .toolUse: kind = "input_json_delta\",\"partial_json\":"
            case .redactedThinking: kind = ""
            }
            for piece in Self.pieces(of: block) {
                stream.event("content_block_delta", isDelta: true) { b in
                    Self.writeDeltaHead(index, into: &b)
                    b.writeStaticString(kind)
                    b.writeJSONString(piece)
                    b.writeStaticString("}}")
                }
            }
            if case .thinking(_, _, let signature) = block {
                stream.event("content_block_delta", isDelta: true) { b in
                    Self.writeDeltaHead(index, into: &b)
                    b.writeStaticString("signature_delta\",\"signature\":")
                    b.writeJSONString(signature)
                    b.writeStaticString("}}")
                }
            }
            stream.event("content_block_stop") { b in
                b.writeStaticString("{\"type\":\"content_block_stop\",\"index\":")
                b.writeJSONInt(index)
                b.writeStaticString("}")
            }
        }
        stream.event("message_delta") { b in
            b.writeStaticString("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":")
            b.writeJSONString(stopReason)
            b.writeStaticString(",\"stop_sequence\":")
            b.writeJSONOptionalString(stopSequence)
            b.writeStaticString("},\"usage\":{\"output_tokens\":")
            b.writeJSONInt(usage.output)
            b.writeStaticString("}}")
        }
        stream.event("message_stop") { $0.writeStaticString("{\"type\":\"message_stop\"}") }
        return stream
    }

    /// `{"type":"content_block_delta","index":N,"delta":{"type":"` — the delta type and field follow.
    private static func writeDeltaHead(_ index: Int, into b: inout ByteBuffer) {
        b.writeStaticString("{\"type\":\"content_block_delta\",\"index\":")
        b.writeJSONInt(index)
        b.writeStaticString(",\"delta\":{\"type\":\"")
    }

    private static func pieces(of block: Block) -> [Substring] {
        switch block {
        case .thinking(_, let pieces, _), .text(_, let pieces), .toolUse(_, _, _, let pieces): pieces
        case .redactedThinking: []
        }
    }
}
