import Core

/// Every field of `POST /v1/responses`, as the official `openai` SDK's `ResponseCreateParams` declares them
/// (checked by tests/e2e/test_dialect_declarations.py against the installed SDK).
enum ResponsesRequestShape {
    static let textFormat = FieldShape.variants(VariantShape([
        ("text", ObjectShape([:])),
        ("json_object", ObjectShape([:])),
        ("json_schema", ObjectShape([
            "name": .text(.name(.system)), "description": .text(.prose(.system)), "schema": OpenAIFields.schema,
            "strict": .either([.parameter(.boolean), .parameter(.null)]),
        ], required: ["name", "schema"])),
    ]))

    static let include = FieldShape.parameter(.oneOf([
        "file_search_call.results", "web_search_call.results", "web_search_call.action.sources", "message.input_image.image_url",
        "computer_call_output.output.image_url", "code_interpreter_call.outputs", "reasoning.encrypted_content",
        "message.output_text.logprobs",
    ]))

    static let promptVariable = FieldShape.either([
        .text(.prose(.user)),
        .variants(VariantShape(
            [("input_text", ResponsesContent.inputText), ("input_image", ResponsesContent.inputImage)],
            refused: [("input_file", OpenAIFields.fileContent)])),
    ])

    static let storedConversation = "conversations stored at the provider are not bound to the caller; send the conversation as input items, or continue with previous_response_id."

    static let request = ObjectShape([
        "model": .parameter(.model),
        "input": .either([.text(.prose(.user)), .array(ResponsesItems.item)]),
        "instructions": .text(.prose(.system)),
        "stream": .parameter(.boolean),
        "stream_options": .object(ObjectShape(["include_obfuscation": .parameter(.boolean)])),
        "max_output_tokens": .parameter(.positiveInteger),
        "max_tool_calls": .parameter(.positiveInteger),
        "temperature": OpenAIFields.temperature,
        "top_p": OpenAIFields.topP,
        "top_logprobs": OpenAIFields.topLogprobs,
        "truncation": .parameter(.oneOf(["auto", "disabled"])),
        "tools": .array(ResponsesTools.tool),
        "tool_choice": ResponsesTools.choice,
        "parallel_tool_calls": .parameter(.boolean),
        "text": .object(ObjectShape(["format": textFormat, "verbosity": OpenAIFields.verbosity])),
        "reasoning": .object(ObjectShape([
            "effort": OpenAIFields.reasoningEffort, "summary": .parameter(.oneOf(["auto", "concise", "detailed"])),
            "generate_summary": .parameter(.oneOf(["auto", "concise", "detailed"])),
            "context": .parameter(.oneOf(["auto", "current_turn", "all_turns"])), "mode": .parameter(.identifier),
        ])),
        "include": .array(include),
        "previous_response_id": .parameter(.identifier),
        "conversation": .refused(storedConversation),
        "store": .parameter(.boolean),
        "background": .parameter(.off("a background response is fetched later, around the gateway's answer guardrails")),
        "background_options": .refused("background responses are not served."),
        "context_management": .array(.object(ObjectShape([
            "type": .parameter(.identifier), "compact_threshold": .parameter(.positiveInteger),
        ], required: ["type"]))),
        "prompt": .object(ObjectShape([
            "id": .parameter(.identifier), "version": .parameter(.identifier),
            "variables": .map(keys: .name(.system), values: promptVariable),
        ], required: ["id"])),
        "metadata": OpenAIFields.metadata,
        "moderation": OpenAIFields.moderation,
        "service_tier": .parameter(.oneOf(["auto", "default", "flex", "scale", "priority", "fast", "ultrafast"])),
        "prompt_cache_key": .parameter(.identifier),
        "prompt_cache_options": .object(ObjectShape([
            "comparison_response_id": .parameter(.identifier), "mode": .parameter(.oneOf(["implicit", "explicit"])),
            "prewarm": .parameter(.boolean), "ttl": .parameter(.oneOf(["30m", "12h"])),
        ])),
        "prompt_cache_retention": OpenAIFields.promptCacheRetention,
        "access_programs": .object(ObjectShape(["cyber": .parameter(.oneOf(["standard", "daybreak_blue", "daybreak_red"]))])),
        "image": .object(ObjectShape(["context_compression": .parameter(.oneOf(["auto", "enabled", "disabled"]))])),
        "user": OpenAIFields.replacedEndUserID,
        "safety_identifier": OpenAIFields.replacedEndUserID,
    ], required: ["model"])
}
