import Hummingbird

/// `POST /v1/responses`: a Responses API `response` object, or its event stream (`response.created`,
/// `response.in_progress`, `response.output_item.added`, `response.content_part.added`,
/// `response.output_text.delta`..., `response.output_text.done`, `response.content_part.done`,
/// `response.output_item.done`, `response.completed`; function calls stream
/// `response.function_call_arguments.delta`/`.done` instead of the content part events). No `[DONE]`.
extension MockLLM {
    func responses(_ request: Request) async throws -> Response {
        try await serve(request, style: .openAI) { exchange in
            let body = try decode(ResponsesRequest.self, exchange)
            let model = body.model ?? ""
            let behaviour = MockBehaviour(configuration: configuration, model: model, headers: request.headers)
            try await prelude(behaviour, exchange)
            let conversation = body.conversation
            let reply = ScriptedReply(conversation: conversation, chunkSize: behaviour.chunkSize)
            let serial = nextSerial()
            let shape = ResponseShape(
                id: "resp_mock_\(serial)", itemID: reply.isToolCall ? "fc_mock_\(serial)" : "msg_mock_\(serial)",
                callID: "call_mock_\(serial)", createdAt: unixTime(), model: model,
                instructions: body.instructions, maxOutputTokens: body.maxOutputTokens, reply: reply,
                usage: Usage(prompt: conversation.promptTokens, completion: reply.completionTokens))
            if body.stream == true {
                return try await streamResponse(shape.events(), behaviour: behaviour, exchange)
            }
            var out = ByteBuffer()
            shape.writeResponse(into: &out, final: true)
            return try await jsonResponse(out, behaviour: behaviour, exchange)
        }
    }
}

/// One Responses API reply, able to write itself as the final object and as its event sequence.
struct ResponseShape {
    let id: String
    let itemID: String
    let callID: String
    let createdAt: Int
    let model: String
    let instructions: String?
    let maxOutputTokens: Int?
    let reply: ScriptedReply
    let usage: MockLLM.Usage

    /// The `response` object; `final: false` is the in-progress snapshot (no output, no usage).
    func writeResponse(into b: inout ByteBuffer, final: Bool) {
        b.writeStaticString("{\"id\":")
        b.writeJSONString(id)
        b.writeStaticString(",\"object\":\"response\",\"created_at\":")
        b.writeJSONInt(createdAt)
        b.writeStaticString(",\"status\":")
        if !final {
            b.writeStaticString("\"in_progress\",\"incomplete_details\":null")
        } else if reply.truncated {
            b.writeStaticString("\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"}")
        } else {
            b.writeStaticString("\"completed\",\"incomplete_details\":null")
        }
        b.writeStaticString(",\"background\":false,\"error\":null,\"instructions\":")
        b.writeJSONOptionalString(instructions)
        b.writeStaticString(",\"max_output_tokens\":")
        if let maxOutputTokens { b.writeJSONInt(maxOutputTokens) } else { b.writeStaticString("null") }
        b.writeStaticString(",\"model\":")
        b.writeJSONString(model)
        b.writeStaticString(",\"output\":[")
        if final { writeItem(into: &b, done: true) }
        b.writeStaticString(
            "],\"parallel_tool_calls\":true,\"previous_response_id\":null,\"reasoning\":{\"effort\":null,\"summary\":null},\"service_tier\":\"default\",\"store\":true,\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":"
        )
        if final {
            b.writeStaticString("{\"input_tokens\":")
            b.writeJSONInt(usage.prompt)
            b.writeStaticString(",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":")
            b.writeJSONInt(usage.completion)
            b.writeStaticString(",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":")
            b.writeJSONInt(usage.prompt + usage.completion)
            b.writeStaticString("}")
        } else {
            b.writeStaticString("null")
        }
        b.writeStaticString(",\"user\":null,\"metadata\":{}}")
    }

    /// The output item: the assistant message or the function call; `done: false` is its empty start.
    func writeItem(into b: inout ByteBuffer, done: Bool) {
        switch reply.content {
        case .text:
            b.writeStaticString("{\"id\":")
            b.writeJSONString(itemID)
            b.writeStaticString(",\"type\":\"message\",\"status\":")
            b.writeStaticString(done ? "\"completed\"" : "\"in_progress\"")
            b.writeStaticString(",\"role\":\"assistant\",\"content\":[")
            if done { writePart(into: &b, text: reply.producedText) }
            b.writeStaticString("]}")
        case .toolCall(let name, _):
            b.writeStaticString("{\"id\":")
            b.writeJSONString(itemID)
            b.writeStaticString(",\"type\":\"function_call\",\"status\":")
            b.writeStaticString(done ? "\"completed\"" : "\"in_progress\"")
            b.writeStaticString(",\"arguments\":")
            b.writeJSONString(done ? reply.producedText : "")
            b.writeStaticString(",\"call_id\":")
            b.writeJSONString(callID)
            b.writeStaticString(",\"name\":")
            b.writeJSONString(name)
            b.writeStaticString("}")
        }
    }

    func writePart(into b: inout ByteBuffer, text: String) {
        b.writeStaticString("{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":")
        b.writeJSONString(text)
        b.writeStaticString("}")
    }
}
