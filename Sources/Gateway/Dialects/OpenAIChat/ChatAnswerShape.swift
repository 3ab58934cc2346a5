import Core

/// Every field of a chat completion (`chat.completion`) and of a stream chunk (`chat.completion.chunk`), as
/// the `openai` SDK's `ChatCompletion` / `ChatCompletionChunk` models declare them, plus what
/// OpenAI-compatible servers add (vLLM and DeepSeek `reasoning_content`, OpenRouter `reasoning` and
/// `reasoning_details`, Azure content-filter results).
enum ChatAnswerShape {
    static let finishReason = FieldShape.parameter(.oneOf(["stop", "length", "tool_calls", "content_filter", "function_call"]))

    static let usage = FieldShape.object(ObjectShape([
        "prompt_tokens": .parameter(.count), "completion_tokens": .parameter(.count), "total_tokens": .parameter(.count),
        "completion_tokens_details": .parameter(.report), "prompt_tokens_details": .parameter(.report),
    ]))

    static let annotation = FieldShape.variants(VariantShape([
        ("url_citation", ObjectShape([
            "url_citation": .object(ObjectShape([
                "url": .text(.url), "title": .text(.prose), "start_index": .parameter(.count), "end_index": .parameter(.count),
            ])),
        ])),
    ]))

    /// Token logprobs: a mirror of the answer text (see `ObjectShape.Member.isMirror`); `slot` ties each
    /// token to the continuous text it mirrors.
    static func logprobs(_ slot: @escaping @Sendable (SlotScope, String) -> String) -> FieldShape {
        func tokens(_ list: String) -> FieldShape {
            .array(.object(ObjectShape([
                "token": .text(TextField(slot: SlotRule { slot($0, list) }, isDelta: true)),
                "bytes": .either([.array(.parameter(.integer(0...255))), .parameter(.null)]),
                "logprob": .parameter(.number(-Double.greatestFiniteMagnitude...0)),
                "top_logprobs": .array(.object(ObjectShape([
                    "token": .text(TextField(slot: SlotRule { slot($0, list + ".top") }, isDelta: true)),
                    "bytes": .either([.array(.parameter(.integer(0...255))), .parameter(.null)]),
                    "logprob": .parameter(.number(-Double.greatestFiniteMagnitude...0)),
                ]))),
            ])))
        }
        return .object(ObjectShape(["content": tokens("content"), "refusal": tokens("refusal")]))
    }

    static func reasoningDetail(_ slot: SlotRule?, _ delta: Bool) -> FieldShape {
        .variants(VariantShape([
            ("reasoning.text", ObjectShape([
                "text": .text(TextField(slot: slot, isDelta: delta)), "signature": .parameter(.opaque("the provider's signature of its reasoning")),
                "id": .parameter(.identifier), "format": .parameter(.identifier), "index": .parameter(.count),
            ])),
            ("reasoning.summary", ObjectShape([
                "summary": .text(TextField(slot: slot, isDelta: delta)),
                "id": .parameter(.identifier), "format": .parameter(.identifier), "index": .parameter(.count),
            ])),
            ("reasoning.encrypted", ObjectShape([
                "data": .parameter(.opaque("reasoning the provider encrypted for itself")),
                "id": .parameter(.identifier), "format": .parameter(.identifier), "index": .parameter(.count),
            ])),
        ]))
    }

    // MARK: complete answer

    static let message = ObjectShape([
        "role": .parameter(.oneOf(["assistant"])),
        "content": .either([.text(.prose), .array(.variants(VariantShape([("text", ChatRequestShape.textPart)])))]),
        "refusal": .text(.prose),
        "reasoning_content": .text(.prose),
        "reasoning": .text(.prose),
        "thinking": .text(.prose),
        "reasoning_details": .array(reasoningDetail(nil, false)),
        "annotations": .array(annotation),
        "audio": .object(ObjectShape([
            "id": .parameter(.identifier), "expires_at": .parameter(.count), "transcript": .text(.prose),
            "data": .refused(OpenAIFields.spokenAnswers),
        ])),
        "function_call": .object(ObjectShape(["name": .text(.name), "arguments": .text(.json)])),
        "tool_calls": .array(ChatRequestShape.toolCall),
    ])

    static let moderation = FieldShape.parameter(.report)

    static let answer = ObjectShape([
        "id": .parameter(.identifier),
        "object": .parameter(.oneOf(["chat.completion"])),
        "created": .parameter(.count),
        "model": .parameter(.model),
        "system_fingerprint": .parameter(.identifier),
        "service_tier": .parameter(.identifier),
        "usage": usage,
        "metadata": OpenAIFields.metadata,
        "moderation": moderation,
        "prompt_filter_results": .parameter(.report),
        "choices": .array(.object(ObjectShape([
            "index": .parameter(.count),
            "finish_reason": finishReason,
            "message": .object(message),
            "logprobs": logprobs { scope, list in "c\(scope.index(in: "choices", member: "index")).logprobs.\(list)" },
            "content_filter_results": .parameter(.report),
            "stop_reason": .either([.parameter(.identifier), .parameter(.anyInteger)]),
        ], mirrors: ["logprobs"]))),
    ])

    // MARK: stream chunks

    static func delta(_ field: ChatSlot) -> TextField {
        TextField(form: field.isJSON ? .json : .prose, slot: SlotRule { scope in
            let choice = scope.index(in: "choices", member: "index")
            return field.key(choice: choice, toolCall: scope.index(in: "tool_calls", member: "index"))
        }, isDelta: true)
    }

    static let deltaShape = ObjectShape([
        "role": .parameter(.oneOf(["developer", "system", "user", "assistant", "tool"])),
        "content": .either([.text(delta(.content)), .array(.variants(VariantShape([("text", ObjectShape(["text": .text(delta(.content))]))])))]),
        "refusal": .text(delta(.refusal)),
        "reasoning_content": .text(delta(.reasoningContent)),
        "reasoning": .text(delta(.reasoning)),
        "thinking": .text(delta(.thinking)),
        "reasoning_details": .array(reasoningDetail(delta(.reasoningDetails).slot, true)),
        "annotations": .array(annotation),
        "audio": .object(ObjectShape([
            "id": .parameter(.identifier), "expires_at": .parameter(.count), "transcript": .text(delta(.transcript)),
            "data": .refused(OpenAIFields.spokenAnswers),
        ])),
        "function_call": .object(ObjectShape(["name": .text(.name), "arguments": .text(delta(.functionArguments))])),
        "tool_calls": .array(.object(ObjectShape([
            "index": .parameter(.count),
            "id": .parameter(.identifier),
            "type": .parameter(.oneOf(["function", "custom"])),
            "function": .object(ObjectShape(["name": .text(.name), "arguments": .text(delta(.toolArguments))])),
            "custom": .object(ObjectShape(["name": .text(.name), "input": .text(delta(.toolInput))])),
        ]))),
    ])

    static let chunk = ObjectShape([
        "id": .parameter(.identifier),
        "object": .parameter(.oneOf(["chat.completion.chunk"])),
        "created": .parameter(.count),
        "model": .parameter(.model),
        "system_fingerprint": .parameter(.identifier),
        "service_tier": .parameter(.identifier),
        "obfuscation": .parameter(.opaque("random padding the provider adds to hide the length of deltas")),
        "usage": usage,
        "moderation": moderation,
        "prompt_filter_results": .parameter(.report),
        "choices": .array(.object(ObjectShape([
            "index": .parameter(.count),
            "delta": .object(deltaShape),
            "finish_reason": finishReason,
            "logprobs": logprobs { scope, list in "c\(scope.index(in: "choices", member: "index")).logprobs.\(list)" },
            "content_filter_results": .parameter(.report),
            "stop_reason": .either([.parameter(.identifier), .parameter(.anyInteger)]),
        ], mirrors: ["logprobs"]))),
        // An error some OpenAI-compatible servers send inside the stream.
        "error": .object(ObjectShape([
            "message": .text(.prose), "type": .parameter(.identifier), "code": .either([.parameter(.identifier), .parameter(.anyInteger)]),
            "param": .text(.name),
        ])),
    ])
}

/// The continuous texts of one streamed chat choice, keyed `c<choice>.<field>` (`c0.content`, `c0.t2` for
/// the arguments of tool call 2): what the stream's held-back text is carried back into.
enum ChatSlot: Sendable, Equatable {
    case content, refusal, reasoningContent, reasoning, thinking, reasoningDetails, functionArguments, transcript
    case toolArguments, toolInput

    var isJSON: Bool { self == .functionArguments || self == .toolArguments }

    private var name: String {
        switch self {
        case .content: "content"
        case .refusal: "refusal"
        case .reasoningContent: "reasoning_content"
        case .reasoning: "reasoning"
        case .thinking: "thinking"
        case .reasoningDetails: "reasoning_details"
        case .functionArguments: "function_call"
        case .transcript: "transcript"
        case .toolArguments: "arguments"
        case .toolInput: "input"
        }
    }

    static let all: [ChatSlot] = [.content, .refusal, .reasoningContent, .reasoning, .thinking, .reasoningDetails, .functionArguments, .transcript, .toolArguments, .toolInput]

    func key(choice: Int, toolCall: Int) -> String {
        self == .toolArguments || self == .toolInput ? "c\(choice).t\(toolCall).\(name)" : "c\(choice).\(name)"
    }

    /// The choice, field and tool call of a slot key.
    static func parse(_ key: String) -> (choice: Int, slot: ChatSlot, toolCall: Int)? {
        let parts = key.split(separator: ".")
        guard parts.count >= 2, parts[0].first == "c", let choice = Int(parts[0].dropFirst()) else { return nil }
        if parts.count == 3, parts[1].first == "t", let call = Int(parts[1].dropFirst()) {
            guard let slot = all.first(where: { ($0 == .toolArguments || $0 == .toolInput) && $0.name == parts[2] }) else { return nil }
            return (choice, slot, call)
        }
        guard parts.count == 2, let slot = all.first(where: { $0 != .toolArguments && $0 != .toolInput && $0.name == parts[1] }) else { return nil }
        return (choice, slot, 0)
    }

    /// Adds `text` to a chunk's delta at this slot's place.
    func append(_ text: String, toolCall: Int, to delta: inout JSONValue) {
        func add(_ location: JSONLocation) {
            let current = delta.value(at: location)?.stringValue ?? ""
            delta.setCreating(.string(current + text), at: location)
        }
        switch self {
        case .content: add(JSONLocation([.key("content")]))
        case .refusal: add(JSONLocation([.key("refusal")]))
        case .reasoningContent: add(JSONLocation([.key("reasoning_content")]))
        case .reasoning: add(JSONLocation([.key("reasoning")]))
        case .thinking: add(JSONLocation([.key("thinking")]))
        case .functionArguments: add(JSONLocation([.key("function_call"), .key("arguments")]))
        case .transcript: add(JSONLocation([.key("audio"), .key("transcript")]))
        case .reasoningDetails:
            var details = delta["reasoning_details"]?.arrayValue ?? []
            details.append(["type": "reasoning.text", "text": .string(text)])
            delta["reasoning_details"] = .array(details)
        case .toolArguments, .toolInput:
            var calls = delta["tool_calls"]?.arrayValue ?? []
            let piece: JSONValue = self == .toolArguments ? ["function": ["arguments": .string(text)]] : ["custom": ["input": .string(text)]]
            var call: JSONValue = ["index": .integer(toolCall)]
            if case .object(let fields) = piece { for (k, v) in fields { call[k] = v } }
            calls.append(call)
            delta["tool_calls"] = .array(calls)
        }
    }
}
