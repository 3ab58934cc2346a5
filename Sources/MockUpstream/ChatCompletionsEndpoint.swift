import Hummingbird

/// `POST /v1/chat/completions` and its Azure twin: the OpenAI chat completion object, or a stream of
/// `chat.completion.chunk` events ending in `data: [DONE]` (with a usage chunk first when
/// `stream_options.include_usage` is true).
extension MockLLM {
    func chatCompletions(_ request: Request, deployment: String? = nil) async throws -> Response {
        try await serve(request, style: .openAI, azure: deployment != nil) { exchange in
            let body = try decode(ChatCompletionsRequest.self, exchange)
            let model = deployment ?? body.model ?? ""
            let behaviour = MockBehaviour(configuration: configuration, model: model, headers: request.headers)
            try await prelude(behaviour, exchange)
            let conversation = body.conversation
            let reply = ScriptedReply(conversation: conversation, chunkSize: behaviour.chunkSize)
            let header = ChatHeader(id: "chatcmpl-mock-\(nextSerial())", created: unixTime(), model: model)
            let usage = Usage(prompt: conversation.promptTokens, completion: reply.completionTokens)
            if body.stream == true {
                let stream = Self.chatStream(
                    header: header, reply: reply, usage: body.streamOptions?.includeUsage == true ? usage : nil,
                    serial: nextSerial())
                return try await streamResponse(stream, behaviour: behaviour, exchange)
            }
            return try await jsonResponse(
                Self.chatCompletion(header: header, reply: reply, usage: usage, serial: nextSerial()),
                behaviour: behaviour, exchange)
        }
    }

    struct ChatHeader {
        let id: String
        let created: Int
        let model: String
    }

    struct Usage {
        let prompt: Int
        let completion: Int
    }

    static func finishReason(_ reply: ScriptedReply) -> String {
        reply.isToolCall ? "tool_calls" : reply.truncated ? "length" : "stop"
    }

    static func chatCompletion(header: ChatHeader, reply: ScriptedReply, usage: Usage, serial: Int) -> ByteBuffer {
        var b = ByteBuffer()
        b.reserveCapacity(512 + reply.pieces.count * 8)
        b.writeStaticString("{\"id\":")
        b.writeJSONString(header.id)
        b.writeStaticString(",\"object\":\"chat.completion\",\"created\":")
        b.writeJSONInt(header.created)
        b.writeStaticString(",\"model\":")
        b.writeJSONString(header.model)
        b.writeStaticString(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":")
        switch reply.content {
        case .text:
            b.writeJSONString(reply.producedText)
            b.writeStaticString(",\"refusal\":null,\"annotations\":[]}")
        case .toolCall(let name, let arguments):
            b.writeStaticString("null,\"refusal\":null,\"annotations\":[],\"tool_calls\":[{\"id\":")
            b.writeJSONString("call_mock_\(serial)")
            b.writeStaticString(",\"type\":\"function\",\"function\":{\"name\":")
            b.writeJSONString(name)
            b.writeStaticString(",\"arguments\":")
            b.writeJSONString(arguments)
            b.writeStaticString("}}]}")
        }
        b.writeStaticString(",\"logprobs\":null,\"finish_reason\":\"")
        b.writeString(finishReason(reply))
        b.writeStaticString("\"}],\"usage\":")
        writeChatUsage(usage, into: &b)
        b.writeStaticString(",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock\"}")
        return b
    }

    static func writeChatUsage(_ usage: Usage, into b: inout ByteBuffer) {
        b.writeStaticString("{\"prompt_tokens\":")
        b.writeJSONInt(usage.prompt)
        b.writeStaticString(",\"completion_tokens\":")
        b.writeJSONInt(usage.completion)
        b.writeStaticString(",\"total_tokens\":")
        b.writeJSONInt(usage.prompt + usage.completion)
        b.writeStaticString(
            ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}"
        )
    }

    static func chatStream(header: ChatHeader, reply: ScriptedReply, usage: Usage?, serial: Int) -> EventStream {
        // Every chunk starts with the same bytes: build them once per request.
        var prefix = ByteBuffer()
        prefix.writeStaticString("{\"id\":")
        prefix.writeJSONString(header.id)
        prefix.writeStaticString(",\"object\":\"chat.completion.chunk\",\"created\":")
        prefix.writeJSONInt(header.created)
        prefix.writeStaticString(",\"model\":")
        prefix.writeJSONString(header.model)
        prefix.writeStaticString(",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock\",\"choices\":[")
        let usageTail = usage == nil ? "}" : ",\"usage\":null}"

        var stream = EventStream(capacity: reply.pieces.count + 5)
        func chunk(isDelta: Bool = false, _ body: (inout ByteBuffer) -> Void) {
            stream.data(isDelta: isDelta) { b in
                b.writeImmutableBuffer(prefix)
                body(&b)
                b.writeString(usageTail)
            }
        }
        switch reply.content {
        case .text:
            chunk { b in
                b.writeStaticString(
                    "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]")
            }
            for piece in reply.pieces {
                chunk(isDelta: true) { b in
                    b.writeStaticString("{\"index\":0,\"delta\":{\"content\":")
                    b.writeJSONString(piece)
                    b.writeStaticString("},\"logprobs\":null,\"finish_reason\":null}]")
                }
            }
        case .toolCall(let name, _):
            chunk { b in
                b.writeStaticString(
                    "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":")
                b.writeJSONString("call_mock_\(serial)")
                b.writeStaticString(",\"type\":\"function\",\"function\":{\"name\":")
                b.writeJSONString(name)
                b.writeStaticString(",\"arguments\":\"\"}}],\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]")
            }
            for piece in reply.pieces {
                chunk(isDelta: true) { b in
                    b.writeStaticString("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":")
                    b.writeJSONString(piece)
                    b.writeStaticString("}}]},\"logprobs\":null,\"finish_reason\":null}]")
                }
            }
        }
        chunk { b in
            b.writeStaticString("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"")
            b.writeString(finishReason(reply))
            b.writeStaticString("\"}]")
        }
        if let usage {
            stream.data { b in
                b.writeImmutableBuffer(prefix)
                b.writeStaticString("],\"usage\":")
                writeChatUsage(usage, into: &b)
                b.writeStaticString("}")
            }
        }
        stream.done()
        return stream
    }
}

