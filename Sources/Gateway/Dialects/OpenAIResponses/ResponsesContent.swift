import Core

/// Content parts and messages of the Responses API, in requests (input items) and answers (output items).
enum ResponsesContent {
    /// The continuous text an answer's text belongs to: `o<output index>.<family>.<part>`, as its stream's delta
    /// events, the item events and the final `response.completed` all name it. The output index is the event's
    /// `output_index`, else the position in `output`; the part index the event's `content_index` /
    /// `summary_index`, else the position in `content` / `summary`. Text outside any output item (the
    /// `instructions` a response echoes) has no slot: it is inspected where it sits.
    static func slot(_ family: String, part: Part = .none) -> SlotRule {
        SlotRule { scope in
            guard let output = scope.rootInteger("output_index") ?? scope.position(in: "output") else { return nil }
            let index: Int
            switch part {
            case .none: index = 0
            case .content: index = scope.rootInteger("content_index") ?? scope.position(in: "content") ?? 0
            case .summary: index = scope.rootInteger("summary_index") ?? scope.position(in: "summary") ?? 0
            case .command: index = scope.rootInteger("command_index") ?? scope.position(in: "commands") ?? 0
            }
            return "o\(output).\(family).\(index)"
        }
    }

    enum Part: Sendable { case none, content, summary, command }

    static func text(_ family: String, part: Part = .none, role: AIMessage.Role? = nil, form: TextField.Form = .prose) -> FieldShape {
        .text(TextField(role: role, form: form, slot: slot(family, part: part)))
    }

    static let inputText = ObjectShape([
        "text": .text(.prose), "prompt_cache_breakpoint": .either([OpenAIFields.cacheBreakpoint, .parameter(.null)]),
    ], required: ["text"])

    static let storedFile = "files stored at the provider cannot be inspected by the gateway; send the content inline."

    static let inputImage = ObjectShape([
        "image_url": .text(.url),
        "detail": OpenAIFields.imageDetail,
        "file_id": .refused(storedFile),
        "prompt_cache_breakpoint": .either([OpenAIFields.cacheBreakpoint, .parameter(.null)]),
    ])

    static let annotation = FieldShape.variants(VariantShape([
        ("file_citation", ObjectShape(["file_id": .parameter(.identifier), "filename": .text(.name), "index": .parameter(.count)])),
        ("url_citation", ObjectShape([
            "url": .text(.url), "title": .text(.prose), "start_index": .parameter(.count), "end_index": .parameter(.count),
        ])),
        ("container_file_citation", ObjectShape([
            "container_id": .parameter(.identifier), "file_id": .parameter(.identifier), "filename": .text(.name),
            "start_index": .parameter(.count), "end_index": .parameter(.count),
        ])),
        ("file_path", ObjectShape(["file_id": .parameter(.identifier), "index": .parameter(.count)])),
    ]))

    /// Token logprobs of output text: a mirror of it (see `ObjectShape.Member.isMirror`).
    static func logprobs(_ family: String) -> FieldShape {
        let token = FieldShape.text(TextField(slot: slot(family + ".logprobs", part: .content), isDelta: true))
        let alternative = FieldShape.text(TextField(slot: slot(family + ".logprobs.top", part: .content), isDelta: true))
        let bytes = FieldShape.either([.array(.parameter(.integer(0...255))), .parameter(.null)])
        let logprob = FieldShape.parameter(.number(-Double.greatestFiniteMagnitude...0))
        return .array(.object(ObjectShape([
            "token": token, "bytes": bytes, "logprob": logprob,
            "top_logprobs": .array(.object(ObjectShape(["token": alternative, "bytes": bytes, "logprob": logprob]))),
        ])))
    }

    static let outputText = ObjectShape([
        "text": text("text", part: .content),
        "annotations": .array(annotation),
        "logprobs": logprobs("text"),
    ], required: ["text"], mirrors: ["logprobs"])

    static let refusal = ObjectShape(["refusal": text("refusal", part: .content)], required: ["refusal"])

    static let reasoningText = ObjectShape(["text": text("reasoning", part: .content)], required: ["text"])

    /// Message content: a string, or parts of any kind a message may hold.
    static let messageContent = FieldShape.either([
        .text(.prose),
        .array(.variants(VariantShape([
            ("input_text", inputText), ("input_image", inputImage), ("output_text", outputText), ("refusal", refusal),
        ], refused: [("input_file", OpenAIFields.fileContent)]))),
    ])

    static let roles: [String: AIMessage.Role] = ["user": .user, "assistant": .assistant, "system": .system, "developer": .developer]

    static let message = ObjectShape([
        "role": .parameter(.oneOf(Set(roles.keys))),
        "content": messageContent,
        "id": .parameter(.identifier),
        "status": .parameter(.oneOf(["in_progress", "completed", "incomplete"])),
        "phase": .parameter(.oneOf(["commentary", "final_answer"])),
    ], required: ["role", "content"], role: .member("role", roles))

    /// The output of a tool the caller ran: a string or parts.
    static let toolOutput = FieldShape.either([
        .text(.prose(.tool)),
        .array(.variants(VariantShape([("input_text", inputText), ("input_image", inputImage)], refused: [("input_file", OpenAIFields.fileContent)]))),
    ])

    /// Which caller made a tool call (the model itself, or a program it wrote).
    static let caller = FieldShape.variants(VariantShape([
        ("direct", ObjectShape([:])),
        ("program", ObjectShape(["caller_id": .parameter(.identifier)], required: ["caller_id"])),
    ]))
}
