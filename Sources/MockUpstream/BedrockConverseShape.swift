import Hummingbird

/// One Bedrock Converse answer, built from a `ScriptedReply`: content blocks (text, then a tool use
/// when the reply calls a tool), the stop reason, usage and metrics; written as the `Converse` JSON
/// or as the `ConverseStream` events (`BedrockConverseStream.swift`).
struct BedrockConverseShape: Sendable {
    enum Block: Sendable {
        case text(String, pieces: [Substring])
        case toolUse(id: String, name: String, input: String, pieces: [Substring])
    }

    let blocks: [Block]
    let stopReason: String
    let inputTokens: Int
    let outputTokens: Int
    let latencyMs: Int

    init(toolID: String, reply: ScriptedReply, inputTokens: Int, chunkSize: Int, latencyMs: Int) {
        var blocks: [Block] = []
        switch reply.content {
        case .text:
            blocks.append(.text(reply.producedText, pieces: reply.pieces))
        case .toolCall(let name, let arguments):
            if !reply.leadText.isEmpty { blocks.append(.text(reply.leadText, pieces: reply.leadPieces)) }
            let input = AnthropicMessageShape.toolInput(arguments)
            blocks.append(.toolUse(id: toolID, name: name, input: input, pieces: ScriptedReply.split(input, chunkSize: chunkSize)))
        }
        self.blocks = blocks
        stopReason =
            reply.isToolCall
            ? "tool_use" : reply.truncated ? "max_tokens" : reply.stopSequence != nil ? "stop_sequence" : "end_turn"
        self.inputTokens = inputTokens
        outputTokens = reply.completionTokens
        self.latencyMs = latencyMs
    }

    /// `{"output":{"message":{"role":"assistant","content":[...]}},"stopReason","usage","metrics"}`.
    func writeAnswer(into b: inout ByteBuffer) {
        b.writeStaticString("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[")
        for (i, block) in blocks.enumerated() {
            if i > 0 { b.writeStaticString(",") }
            switch block {
            case .text(let text, _):
                b.writeStaticString("{\"text\":")
                b.writeJSONString(text)
                b.writeStaticString("}")
            case .toolUse(let id, let name, let input, _):
                b.writeStaticString("{\"toolUse\":{\"toolUseId\":")
                b.writeJSONString(id)
                b.writeStaticString(",\"name\":")
                b.writeJSONString(name)
                b.writeStaticString(",\"input\":")
                b.writeString(input)
                b.writeStaticString("}}")
            }
        }
        b.writeStaticString("]}},\"stopReason\":")
        b.writeJSONString(stopReason)
        b.writeStaticString(",")
        writeUsageAndMetrics(into: &b)
        b.writeStaticString("}")
    }

    /// `"usage":{...},"metrics":{"latencyMs":N}` (shared by the answer and the `metadata` event).
    func writeUsageAndMetrics(into b: inout ByteBuffer) {
        b.writeStaticString("\"usage\":{\"inputTokens\":")
        b.writeJSONInt(inputTokens)
        b.writeStaticString(",\"outputTokens\":")
        b.writeJSONInt(outputTokens)
        b.writeStaticString(",\"totalTokens\":")
        b.writeJSONInt(inputTokens + outputTokens)
        b.writeStaticString("},\"metrics\":{\"latencyMs\":")
        b.writeJSONInt(latencyMs)
        b.writeStaticString("}")
    }
}
