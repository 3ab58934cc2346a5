import Core
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One Anthropic answer: its content blocks in order (a `thinking` or `redacted_thinking` block when
/// thinking is on, then a `text` block and/or a `tool_use` block), stop reason and usage, written as a
/// `message` object here and as an event stream in `AnthropicMessageStream.swift`.
struct AnthropicMessageShape {
    enum Block {
        case thinking(text: String, pieces: [Substring], signature: String)
        case redactedThinking(data: String)
        case text(String, pieces: [Substring])
        case toolUse(id: String, name: String, input: String, pieces: [Substring])
    }

    struct Usage: Equatable {
        var input: AnthropicPromptCache.InputUsage
        var output: Int
    }

    let id: String
    let model: String
    let blocks: [Block]
    /// `end_turn`, `tool_use`, `max_tokens` or `stop_sequence`.
    let stopReason: String
    let stopSequence: String?
    let usage: Usage

    init(
        id: String, toolID: String, model: String, thinking: AnthropicThinking?, reply: ScriptedReply,
        input: AnthropicPromptCache.InputUsage, chunkSize: Int
    ) {
        self.id = id
        self.model = model
        var blocks: [Block] = []
        blocks.reserveCapacity(3)
        switch thinking?.kind {
        case .thinking(let text, let signature):
            blocks.append(.thinking(text: text, pieces: thinking?.pieces ?? [], signature: signature))
        case .redacted(let data):
            blocks.append(.redactedThinking(data: data))
        case nil:
            break
        }
        switch reply.content {
        case .text:
            blocks.append(.text(reply.producedText, pieces: reply.pieces))
        case .toolCall(let name, let arguments):
            if !reply.leadText.isEmpty { blocks.append(.text(reply.leadText, pieces: reply.leadPieces)) }
            let input = Self.toolInput(arguments)
            blocks.append(
                .toolUse(id: toolID, name: name, input: input, pieces: ScriptedReply.split(input, chunkSize: chunkSize)))
        }
        self.blocks = blocks
        stopReason =
            reply.isToolCall
            ? "tool_use" : reply.truncated ? "max_tokens" : reply.stopSequence != nil ? "stop_sequence" : "end_turn"
        stopSequence = reply.stopSequence
        usage = Usage(input: input, output: reply.completionTokens + (thinking?.pieces.count ?? 0))
    }

    /// `tool_use.input` must be a JSON object: the `#tool` arguments when they are one, else `{}`.
    static func toolInput(_ arguments: String) -> String {
        guard case .object = try? JSONDecoder().decode(JSONValue.self, from: Data(arguments.utf8)) else { return "{}" }
        return arguments
    }

    /// The `message` object; `final: false` is the `message_start` snapshot (empty content, no stop
    /// reason, the input usage and `output_tokens: 1`).
    func writeMessage(into b: inout ByteBuffer, final: Bool) {
        b.writeStaticString("{\"id\":")
        b.writeJSONString(id)
        b.writeStaticString(",\"type\":\"message\",\"role\":\"assistant\",\"model\":")
        b.writeJSONString(model)
        b.writeStaticString(",\"content\":[")
        if final {
            for (i, block) in blocks.enumerated() {
                if i > 0 { b.writeStaticString(",") }
                writeBlock(block, into: &b, final: true)
            }
        }
        b.writeStaticString("],\"stop_reason\":")
        if final { b.writeJSONString(stopReason) } else { b.writeStaticString("null") }
        b.writeStaticString(",\"stop_sequence\":")
        b.writeJSONOptionalString(final ? stopSequence : nil)
        b.writeStaticString(",\"usage\":{\"input_tokens\":")
        b.writeJSONInt(usage.input.input)
        b.writeStaticString(",\"cache_creation_input_tokens\":")
        b.writeJSONInt(usage.input.cacheCreation)
        b.writeStaticString(",\"cache_read_input_tokens\":")
        b.writeJSONInt(usage.input.cacheRead)
        b.writeStaticString(",\"output_tokens\":")
        b.writeJSONInt(final ? usage.output : 1)
        b.writeStaticString("}}")
    }

    /// A content block; `final: false` is its `content_block_start` form (empty text, thinking,
    /// signature and input; a redacted block is whole from the start).
    func writeBlock(_ block: Block, into b: inout ByteBuffer, final: Bool) {
        switch block {
        case .thinking(let text, _, let signature):
            b.writeStaticString("{\"type\":\"thinking\",\"thinking\":")
            b.writeJSONString(final ? text : "")
            b.writeStaticString(",\"signature\":")
            b.writeJSONString(final ? signature : "")
            b.writeStaticString("}")
        case .redactedThinking(let data):
            b.writeStaticString("{\"type\":\"redacted_thinking\",\"data\":")
            b.writeJSONString(data)
            b.writeStaticString("}")
        case .text(let text, _):
            b.writeStaticString("{\"type\":\"text\",\"text\":")
            b.writeJSONString(final ? text : "")
            b.writeStaticString("}")
        case .toolUse(let id, let name, let input, _):
            b.writeStaticString("{\"type\":\"tool_use\",\"id\":")
            b.writeJSONString(id)
            b.writeStaticString(",\"name\":")
            b.writeJSONString(name)
            b.writeStaticString(",\"input\":")
            b.writeString(final ? input : "{}")
            b.writeStaticString("}")
        }
    }
}
