import Core

/// Every field of a Responses answer (the `response` object, alone or inside stream events), as the `openai`
/// SDK's `Response` model declares it. A response echoes the request's configuration (instructions, tools,
/// text format, prompt); the echo is declared with the request's own shapes and inspected like the answer.
enum ResponsesAnswerShape {
    static let usage = FieldShape.object(ObjectShape([
        "input_tokens": .parameter(.count), "output_tokens": .parameter(.count), "total_tokens": .parameter(.count),
        "input_tokens_details": .parameter(.report), "output_tokens_details": .parameter(.report),
    ]))

    static let error = FieldShape.object(ObjectShape([
        "code": .parameter(.identifier), "message": .text(.prose), "param": .text(.name), "type": .parameter(.identifier),
        "misalignment": .parameter(.report),
    ]))

    static let response = ObjectShape([
        "id": .parameter(.identifier),
        "object": .parameter(.oneOf(["response"])),
        "created_at": .parameter(.number(0...1e12)),
        "completed_at": .parameter(.number(0...1e12)),
        "status": .parameter(.oneOf(["completed", "failed", "in_progress", "cancelled", "queued", "incomplete"])),
        "error": error,
        "incomplete_details": .parameter(.report),
        "model": .parameter(.model),
        "output": .array(ResponsesItems.item),
        "usage": usage,
        "instructions": .either([.text(.prose(.system)), .array(ResponsesItems.item)]),
        "metadata": OpenAIFields.metadata,
        "tools": .array(ResponsesTools.tool),
        "tool_choice": ResponsesTools.choice,
        "parallel_tool_calls": .parameter(.boolean),
        "temperature": OpenAIFields.temperature,
        "top_p": OpenAIFields.topP,
        "top_logprobs": OpenAIFields.topLogprobs,
        "max_output_tokens": .parameter(.positiveInteger),
        "max_tool_calls": .parameter(.positiveInteger),
        "truncation": .parameter(.oneOf(["auto", "disabled"])),
        "text": ResponsesRequestShape.request["text"]!.shape,
        "reasoning": ResponsesRequestShape.request["reasoning"]!.shape,
        "prompt": ResponsesRequestShape.request["prompt"]!.shape,
        "previous_response_id": .parameter(.identifier),
        "conversation": .object(ObjectShape(["id": .parameter(.identifier)])),
        "background": .parameter(.boolean),
        "store": .parameter(.boolean),
        "service_tier": .parameter(.identifier),
        "safety_identifier": .parameter(.identifier),
        "user": .parameter(.identifier),
        "prompt_cache_key": .parameter(.identifier),
        "prompt_cache_options": ResponsesRequestShape.request["prompt_cache_options"]!.shape,
        "prompt_cache_retention": OpenAIFields.promptCacheRetention,
        "prompt_cache_diagnostics": .parameter(.report),
        "moderation": .parameter(.report),
        "tool_usage": .parameter(.report),
        "input_transformations": .parameter(.report),
        "access_programs": .parameter(.report),
        "image": .parameter(.report),
    ])
}

/// The events of a streamed Responses answer, by `type`.
enum ResponsesEvents {
    typealias C = ResponsesContent

    /// Members every event may carry.
    static let common: [(String, FieldShape)] = [
        ("type", .parameter(.identifier)), ("sequence_number", .parameter(.count)), ("output_index", .parameter(.count)), ("item_id", .parameter(.identifier)),
        ("content_index", .parameter(.count)), ("summary_index", .parameter(.count)), ("obfuscation", .parameter(.opaque("random padding the provider adds to hide the length of deltas"))),
    ]

    static func event(_ members: KeyValuePairs<String, FieldShape> = [:], mirrors: Set<String> = []) -> ObjectShape {
        ObjectShape(list: common + members.map { ($0.key, $0.value) }, required: [], mirrors: mirrors, role: nil, tool: nil)
    }

    static func delta(_ family: String, part: C.Part = .none, form: TextField.Form = .prose) -> FieldShape {
        .text(TextField(form: form, slot: C.slot(family, part: part), isDelta: true))
    }

    static let responseEvent = event(["response": .object(ResponsesAnswerShape.response)])
    static let progress = event()

    static let shapes: [String: ObjectShape] = {
        var s: [String: ObjectShape] = [:]
        for name in ["created", "in_progress", "completed", "failed", "incomplete", "queued"] { s["response." + name] = responseEvent }
        s["response.output_item.added"] = event(["item": ResponsesItems.item])
        s["response.output_item.done"] = event(["item": ResponsesItems.item])
        let part = FieldShape.variants(VariantShape([("output_text", C.outputText), ("refusal", C.refusal), ("reasoning_text", C.reasoningText)]))
        s["response.content_part.added"] = event(["part": part])
        s["response.content_part.done"] = event(["part": part])
        s["response.output_text.delta"] = event(["delta": delta("text", part: .content), "logprobs": C.logprobs("text")], mirrors: ["logprobs"])
        s["response.output_text.done"] = event(["text": C.text("text", part: .content), "logprobs": C.logprobs("text")], mirrors: ["logprobs"])
        s["response.output_text.annotation.added"] = event(["annotation": C.annotation, "annotation_index": .parameter(.count)])
        s["response.refusal.delta"] = event(["delta": delta("refusal", part: .content)])
        s["response.refusal.done"] = event(["refusal": C.text("refusal", part: .content)])
        s["response.function_call_arguments.delta"] = event(["delta": delta("args", form: .json)])
        s["response.function_call_arguments.done"] = event(["arguments": C.text("args", form: .json), "name": .text(.name)])
        s["response.custom_tool_call_input.delta"] = event(["delta": delta("input")])
        s["response.custom_tool_call_input.done"] = event(["input": C.text("input")])
        s["response.mcp_call_arguments.delta"] = event(["delta": delta("mcpargs", form: .json)])
        s["response.mcp_call_arguments.done"] = event(["arguments": C.text("mcpargs", form: .json)])
        s["response.code_interpreter_call_code.delta"] = event(["delta": delta("code")])
        s["response.code_interpreter_call_code.done"] = event(["code": C.text("code")])
        let summaryPart = FieldShape.object(ObjectShape(["type": .parameter(.oneOf(["summary_text"])), "text": C.text("summary", part: .summary)]))
        s["response.reasoning_summary_part.added"] = event(["part": summaryPart, "status": .parameter(.identifier)])
        s["response.reasoning_summary_part.done"] = event(["part": summaryPart, "status": .parameter(.identifier)])
        s["response.reasoning_summary_text.delta"] = event(["delta": delta("summary", part: .summary)])
        s["response.reasoning_summary_text.done"] = event(["text": C.text("summary", part: .summary)])
        s["response.reasoning_text.delta"] = event(["delta": delta("reasoning", part: .content)])
        s["response.reasoning_text.done"] = event(["text": C.text("reasoning", part: .content)])
        s["response.shell_call_command.added"] = event(["command": C.text("command", part: .command), "command_index": .parameter(.count)])
        s["response.shell_call_command.delta"] = event(["delta": delta("command", part: .command), "command_index": .parameter(.count)])
        s["response.shell_call_command.done"] = event(["command": C.text("command", part: .command), "command_index": .parameter(.count)])
        s["response.shell_call_output_content.delta"] = event(["delta": .freeform(.prose(.tool)), "command_index": .parameter(.count)])
        s["response.shell_call_output_content.done"] = event(["output": .freeform(.prose(.tool)), "command_index": .parameter(.count)])
        s["response.audio.transcript.delta"] = event(["delta": .text(TextField(slot: SlotRule { _ in "audio.transcript" }, isDelta: true))])
        s["response.audio.transcript.done"] = progress
        s["response.audio.done"] = progress
        s["response.image_generation_call.partial_image"] = event([
            "partial_image_b64": .parameter(.opaque("a partial generated picture (pictures are not inspected; no OCR)")),
            "partial_image_index": .parameter(.count), "background": .parameter(.identifier), "output_format": .parameter(.identifier),
            "quality": .parameter(.identifier), "size": .parameter(.identifier),
        ])
        for tool in ["web_search_call", "file_search_call", "code_interpreter_call", "image_generation_call", "mcp_call", "mcp_list_tools"] {
            for phase in ["in_progress", "searching", "interpreting", "generating", "completed", "failed"] { s["response.\(tool).\(phase)"] = progress }
        }
        s["response.compaction.compacting"] = progress
        s["error"] = event([
            "code": .parameter(.identifier), "message": .text(.prose), "param": .text(.name),
        ])
        return s
    }()

    /// Event types the API has and the gateway does not pass on.
    static let refused: [String: String] = ["response.audio.delta": OpenAIFields.spokenAnswers]
}
