import Core

/// Every field of `POST /v1/chat/completions`, as the official `openai` SDK's `CompletionCreateParams`
/// declares them (checked by tests/e2e/test_dialect_declarations.py against the installed SDK).
enum ChatRequestShape {
    static let textPart = ObjectShape([
        "text": .text(.prose),
        "prompt_cache_breakpoint": OpenAIFields.cacheBreakpoint,
    ], required: ["text"])

    static let imagePart = ObjectShape([
        "image_url": .object(ObjectShape([
            "url": .text(.url),
            "detail": OpenAIFields.imageDetail,
        ], required: ["url"])),
        "prompt_cache_breakpoint": OpenAIFields.cacheBreakpoint,
    ], required: ["image_url"])

    static let refusalPart = ObjectShape(["refusal": .text(.prose(.assistant))], required: ["refusal"])

    /// Text-only content: a string, or text parts.
    static let textContent = FieldShape.either([.text(.prose), .array(.variants(VariantShape([("text", textPart)])))])

    static let userContent = FieldShape.either([
        .text(.prose),
        .array(.variants(VariantShape(
            [("text", textPart), ("image_url", imagePart)],
            refused: [("input_audio", OpenAIFields.audioContent), ("file", OpenAIFields.fileContent)]))),
    ])

    /// A call the model made earlier, replayed to it: name and arguments are text it reads again.
    static let toolCall = FieldShape.variants(VariantShape([
        ("function", ObjectShape([
            "id": .parameter(.identifier),
            "function": .object(ObjectShape(["name": .text(.name), "arguments": .text(.json)], required: ["name", "arguments"])),
        ], required: ["id", "function"])),
        ("custom", ObjectShape([
            "id": .parameter(.identifier),
            "custom": .object(ObjectShape(["name": .text(.name), "input": .text(.prose)], required: ["name", "input"])),
        ], required: ["id", "custom"])),
    ]))

    static let message = FieldShape.variants(VariantShape(tag: "role", [
        ("system", ObjectShape(["content": textContent, "name": .text(.name)], required: ["content"], role: .fixed(.system))),
        ("developer", ObjectShape(["content": textContent, "name": .text(.name)], required: ["content"], role: .fixed(.developer))),
        ("user", ObjectShape(["content": userContent, "name": .text(.name)], required: ["content"], role: .fixed(.user))),
        ("assistant", ObjectShape([
            "content": .either([.text(.prose), .array(.variants(VariantShape([("text", textPart), ("refusal", refusalPart)])))]),
            "refusal": .text(.prose),
            "name": .text(.name),
            "audio": .refused(OpenAIFields.spokenAnswers),
            "function_call": .object(ObjectShape(["name": .text(.name), "arguments": .text(.json)], required: ["name", "arguments"])),
            "tool_calls": .array(toolCall),
        ], role: .fixed(.assistant))),
        ("tool", ObjectShape(["content": textContent, "tool_call_id": .parameter(.identifier)], required: ["content", "tool_call_id"], role: .fixed(.tool))),
        ("function", ObjectShape(["content": .either([.text(.prose), .parameter(.null)]), "name": .text(.name)], required: ["name"], role: .fixed(.tool))),
    ]))

    /// A function the model may call: its name, description and parameter schema are text it reads.
    static let functionDefinition = ObjectShape([
        "name": .text(.name(.system)),
        "description": .text(.prose(.system)),
        "parameters": OpenAIFields.schema,
        "strict": .either([.parameter(.boolean), .parameter(.null)]),
    ], required: ["name"])

    static let customFormat = FieldShape.variants(VariantShape([
        ("text", ObjectShape([:])),
        ("grammar", ObjectShape([
            "grammar": .object(ObjectShape([
                "definition": .text(.prose(.system)), "syntax": .parameter(.oneOf(["lark", "regex"])),
            ], required: ["definition", "syntax"])),
        ], required: ["grammar"])),
    ]))

    static let tool = FieldShape.variants(VariantShape([
        ("function", ObjectShape(["function": .object(functionDefinition)], required: ["function"],
                                 tool: .client { $0["function"]?["name"]?.stringValue })),
        ("custom", ObjectShape([
            "custom": .object(ObjectShape([
                "name": .text(.name(.system)), "description": .text(.prose(.system)), "format": customFormat,
            ], required: ["name"])),
        ], required: ["custom"], tool: .client { $0["custom"]?["name"]?.stringValue })),
    ]))

    static let namedChoice = ObjectShape(["name": .text(.name(.system))], required: ["name"])

    static let toolChoice = FieldShape.either([
        .parameter(.oneOf(["none", "auto", "required"])),
        .variants(VariantShape([
            ("allowed_tools", ObjectShape([
                "allowed_tools": .object(ObjectShape([
                    "mode": .parameter(.oneOf(["auto", "required"])),
                    "tools": .array(.freeform(.prose(.system))),
                ], required: ["mode", "tools"])),
            ], required: ["allowed_tools"])),
            ("function", ObjectShape(["function": .object(namedChoice)], required: ["function"])),
            ("custom", ObjectShape(["custom": .object(namedChoice)], required: ["custom"])),
        ])),
    ])

    static let responseFormat = FieldShape.variants(VariantShape([
        ("text", ObjectShape([:])),
        ("json_object", ObjectShape([:])),
        ("json_schema", ObjectShape([
            "json_schema": .object(ObjectShape([
                "name": .text(.name(.system)),
                "description": .text(.prose(.system)),
                "schema": OpenAIFields.schema,
                "strict": .either([.parameter(.boolean), .parameter(.null)]),
            ], required: ["name"])),
        ], required: ["json_schema"])),
    ]))

    static let webSearchOptions = ObjectShape([
        "search_context_size": .parameter(.oneOf(["low", "medium", "high"])),
        "user_location": .object(ObjectShape([
            "type": .parameter(.oneOf(["approximate"])),
            "approximate": .object(ObjectShape([
                "city": .text(.prose(.system)), "country": .text(.prose(.system)),
                "region": .text(.prose(.system)), "timezone": .text(.prose(.system)),
            ])),
        ], required: ["type", "approximate"])),
    ], tool: .provider { _ in "web_search" })

    static let request = ObjectShape([
        "model": .parameter(.model),
        "messages": .array(message),
        "stream": .parameter(.boolean),
        "stream_options": .object(ObjectShape(["include_usage": .parameter(.boolean), "include_obfuscation": .parameter(.boolean)])),
        "max_tokens": .parameter(.positiveInteger),
        "max_completion_tokens": .parameter(.positiveInteger),
        "n": .parameter(.integer(1...128)),
        "temperature": OpenAIFields.temperature,
        "top_p": OpenAIFields.topP,
        "presence_penalty": OpenAIFields.penalty,
        "frequency_penalty": OpenAIFields.penalty,
        "seed": .parameter(.anyInteger),
        "stop": .either([.text(.prose(.system)), .array(.text(.prose(.system)))]),
        "logit_bias": .map(keys: .name(.system), values: .parameter(.integer(-100...100))),
        "logprobs": .parameter(.boolean),
        "top_logprobs": OpenAIFields.topLogprobs,
        "tools": .array(tool),
        "tool_choice": toolChoice,
        "parallel_tool_calls": .parameter(.boolean),
        "functions": .array(.object(ObjectShape(
            list: functionDefinition.members.map { ($0.name, $0.shape) }, required: ["name"], role: nil,
            tool: .client { $0["name"]?.stringValue }))),
        "function_call": .either([.parameter(.oneOf(["none", "auto"])), .object(namedChoice)]),
        "response_format": responseFormat,
        "prediction": .object(ObjectShape([
            "type": .parameter(.oneOf(["content"])),
            "content": .either([.text(.prose(.assistant)), .array(.variants(VariantShape([("text", textPart)])))]),
        ], required: ["type", "content"], role: .fixed(.assistant))),
        "metadata": OpenAIFields.metadata,
        "store": .parameter(.boolean),
        "service_tier": .parameter(.oneOf(["auto", "default", "flex", "scale", "priority", "fast"])),
        "reasoning_effort": OpenAIFields.reasoningEffort,
        "verbosity": OpenAIFields.verbosity,
        "modalities": .array(.either([.parameter(.oneOf(["text"])), .refused(OpenAIFields.spokenAnswers)])),
        "audio": .refused(OpenAIFields.spokenAnswers),
        "web_search_options": .object(webSearchOptions),
        "moderation": OpenAIFields.moderation,
        "prompt_cache_key": .parameter(.identifier),
        "prompt_cache_options": .object(ObjectShape([
            "mode": .parameter(.oneOf(["implicit", "explicit"])), "ttl": .parameter(.oneOf(["30m"])),
        ])),
        "prompt_cache_retention": OpenAIFields.promptCacheRetention,
        "user": OpenAIFields.replacedEndUserID,
        "safety_identifier": OpenAIFields.replacedEndUserID,
    ], required: ["model", "messages"])
}
