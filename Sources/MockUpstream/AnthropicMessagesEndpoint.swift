import Core
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /v1/messages` (Anthropic Messages API): a `message` object, or its event stream
/// (`message_start`, `content_block_start`, `ping`, `content_block_delta`..., `content_block_stop`,
/// `message_delta`, `message_stop`). Tool calls are `tool_use` blocks streamed as `input_json_delta`.
extension MockLLM {
    func anthropicMessages(_ request: Request) async throws -> Response {
        try await serve(request, style: .anthropic) { exchange in
            let body = try decode(AnthropicMessagesRequest.self, exchange)
            let model = body.model ?? ""
            let behaviour = MockBehaviour(configuration: configuration, model: model, headers: request.headers)
            try await prelude(behaviour, exchange)
            let conversation = body.conversation
            let reply = ScriptedReply(conversation: conversation, chunkSize: behaviour.chunkSize)
            let serial = nextSerial()
            let message = AnthropicMessageShape(
                id: "msg_mock_\(serial)", toolID: "toolu_mock_\(serial)", model: model, reply: reply,
                usage: Usage(prompt: conversation.promptTokens, completion: reply.completionTokens),
                chunkSize: behaviour.chunkSize)
            if body.stream == true {
                return try await streamResponse(message.events(), behaviour: behaviour, exchange)
            }
            var out = ByteBuffer()
            message.writeMessage(into: &out, final: true)
            return try await jsonResponse(out, behaviour: behaviour, exchange)
        }
    }
}

struct AnthropicMessageShape {
    let id: String
    let toolID: String
    let model: String
    let reply: ScriptedReply
    let usage: MockLLM.Usage
    let chunkSize: Int

    var stopReason: String { reply.isToolCall ? "tool_use" : reply.truncated ? "max_tokens" : "end_turn" }

    /// `tool_use.input` must be a JSON object: the `#tool` arguments when they are one, else `{}`.
    var toolInput: String {
        guard case .toolCall(_, let arguments) = reply.content,
            case .object = try? JSONDecoder().decode(JSONValue.self, from: Data(arguments.utf8))
        else { return "{}" }
        return arguments
    }

    /// The `message` object; `final: false` is the `message_start` snapshot (empty content, no stop reason).
    func writeMessage(into b: inout ByteBuffer, final: Bool) {
        b.writeStaticString("{\"id\":")
        b.writeJSONString(id)
        b.writeStaticString(",\"type\":\"message\",\"role\":\"assistant\",\"model\":")
        b.writeJSONString(model)
        b.writeStaticString(",\"content\":[")
        if final { writeBlock(into: &b, final: true) }
        b.writeStaticString("],\"stop_reason\":")
        if final { b.writeJSONString(stopReason) } else { b.writeStaticString("null") }
        b.writeStaticString(",\"stop_sequence\":null,\"usage\":{\"input_tokens\":")
        b.writeJSONInt(usage.prompt)
        b.writeStaticString(",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":")
        b.writeJSONInt(final ? usage.completion : 1)
        b.writeStaticString("}}")
    }

    func writeBlock(into b: inout ByteBuffer, final: Bool) {
        switch reply.content {
        case .text:
            b.writeStaticString("{\"type\":\"text\",\"text\":")
            b.writeJSONString(final ? reply.producedText : "")
            b.writeStaticString("}")
        case .toolCall(let name, _):
            b.writeStaticString("{\"type\":\"tool_use\",\"id\":")
            b.writeJSONString(toolID)
            b.writeStaticString(",\"name\":")
            b.writeJSONString(name)
            b.writeStaticString(",\"input\":")
            b.writeString(final ? toolInput : "{}")
            b.writeStaticString("}")
        }
    }

    func events() -> EventStream {
        var stream = EventStream(capacity: reply.pieces.count + 8)
        stream.event("message_start") { b in
            b.writeStaticString("{\"type\":\"message_start\",\"message\":")
            writeMessage(into: &b, final: false)
            b.writeStaticString("}")
        }
        stream.event("content_block_start") { b in
            b.writeStaticString("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":")
            writeBlock(into: &b, final: false)
            b.writeStaticString("}")
        }
        stream.event("ping") { $0.writeStaticString("{\"type\":\"ping\"}") }
        let pieces = reply.isToolCall ? ScriptedReply.split(toolInput, chunkSize: chunkSize) : reply.pieces
        for piece in pieces {
            stream.event("content_block_delta", isDelta: true) { b in
                if reply.isToolCall {
                    b.writeStaticString(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":")
                } else {
                    b.writeStaticString(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":")
                }
                b.writeJSONString(piece)
                b.writeStaticString("}}")
            }
        }
        stream.event("content_block_stop") { $0.writeStaticString("{\"type\":\"content_block_stop\",\"index\":0}") }
        stream.event("message_delta") { b in
            b.writeStaticString("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":")
            b.writeJSONString(stopReason)
            b.writeStaticString(",\"stop_sequence\":null},\"usage\":{\"output_tokens\":")
            b.writeJSONInt(usage.completion)
            b.writeStaticString("}}")
        }
        stream.event("message_stop") { $0.writeStaticString("{\"type\":\"message_stop\"}") }
        return stream
    }
}
