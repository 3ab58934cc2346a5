import Core

/// Every field of a Messages answer (`message`) and of its stream events, as the `anthropic` SDK's `Message`
/// and `RawMessageStreamEvent` models declare them. Texts of a stream belong to the slot of their content
/// block (`b<index>.text`, `.json` for tool input, `.thinking`); a block's held-back text goes out before its
/// `content_block_stop`.
enum MessagesAnswerShape {
    static let stopReason = FieldShape.either([
        .parameter(.oneOf(["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded"])),
        .parameter(.null),
    ])

    static let usage = FieldShape.object(ObjectShape([
        "input_tokens": .either([.parameter(.count), .parameter(.null)]),
        "output_tokens": .parameter(.count),
        "cache_creation_input_tokens": .either([.parameter(.count), .parameter(.null)]),
        "cache_read_input_tokens": .either([.parameter(.count), .parameter(.null)]),
        "cache_creation": .parameter(.report),
        "server_tool_use": .parameter(.report),
        "service_tier": .either([.parameter(.identifier), .parameter(.null)]),
        "inference_geo": .either([.parameter(.identifier), .parameter(.null)]),
        "iterations": .parameter(.report),
        "speed": .either([.parameter(.identifier), .parameter(.null)]),
        "output_tokens_details": .parameter(.report),
    ]))

    /// The text of a block: whole in a complete answer, one piece of its block's slot in a stream.
    static func text(_ family: String, streamed: Bool) -> TextField {
        streamed ? TextField(form: family == "json" ? .json : .prose, slot: slot(family), isDelta: true) : TextField(form: family == "json" ? .json : .prose)
    }

    static func slot(_ family: String) -> SlotRule {
        SlotRule { scope in "b\(scope.rootInteger("index") ?? scope.position(in: "content") ?? 0).\(family)" }
    }

    static func block(streamed: Bool) -> FieldShape {
        .variants(VariantShape([
            ("text", ObjectShape([
                "text": .text(text("text", streamed: streamed)), "citations": MessagesContent.citations,
            ])),
            ("thinking", ObjectShape([
                "thinking": .text(text("thinking", streamed: streamed)),
                "signature": .parameter(.opaque("the provider's signature of its own reasoning")),
            ])),
            ("redacted_thinking", MessagesContent.redactedThinking),
            ("tool_use", ObjectShape([
                "id": .parameter(.identifier), "name": .text(.name), "input": .freeform(.prose), "caller": MessagesContent.caller,
                "toolset_name": .refused(MessagesTools.toolset),
            ])),
            ("server_tool_use", ObjectShape([
                "id": .parameter(.identifier), "name": .parameter(.oneOf(["web_search"])), "input": .freeform(.prose),
                "caller": MessagesContent.caller,
            ])),
            ("web_search_tool_result", MessagesContent.webSearchToolResult),
        ], refused: MessagesContent.refusedBlocks))
    }

    static let container = FieldShape.either([.parameter(.report), .parameter(.null)])

    static func message(streamed: Bool) -> ObjectShape {
        ObjectShape([
            "id": .parameter(.identifier),
            "type": .parameter(.oneOf(["message"])),
            "role": .parameter(.oneOf(["assistant"])),
            "model": .parameter(.model),
            "content": .array(block(streamed: streamed)),
            "stop_reason": stopReason,
            "stop_sequence": .either([.text(.prose), .parameter(.null)]),
            "stop_details": .parameter(.report),
            "usage": usage,
            "container": container,
            "context_management": .parameter(.report),
            "diagnostics": .parameter(.report),
        ])
    }

    static let answer = message(streamed: false)

    // MARK: stream events

    static let delta = FieldShape.variants(VariantShape([
        ("text_delta", ObjectShape(["text": .text(text("text", streamed: true))])),
        ("input_json_delta", ObjectShape(["partial_json": .text(text("json", streamed: true))])),
        ("thinking_delta", ObjectShape(["thinking": .text(text("thinking", streamed: true))])),
        ("signature_delta", ObjectShape(["signature": .parameter(.opaque("the provider's signature of its own reasoning"))])),
        ("citations_delta", ObjectShape(["citation": MessagesContent.citation])),
    ]))

    static let events: [String: ObjectShape] = [
        "message_start": ObjectShape(["type": .parameter(.oneOf(["message_start"])), "message": .object(message(streamed: true))]),
        "content_block_start": ObjectShape([
            "type": .parameter(.oneOf(["content_block_start"])), "index": .parameter(.count), "content_block": block(streamed: true),
        ]),
        "content_block_delta": ObjectShape([
            "type": .parameter(.oneOf(["content_block_delta"])), "index": .parameter(.count), "delta": delta,
        ]),
        "content_block_stop": ObjectShape(["type": .parameter(.oneOf(["content_block_stop"])), "index": .parameter(.count)]),
        "message_delta": ObjectShape([
            "type": .parameter(.oneOf(["message_delta"])),
            "delta": .object(ObjectShape([
                "stop_reason": stopReason, "stop_sequence": .either([.text(.prose), .parameter(.null)]),
                "stop_details": .parameter(.report), "container": container,
            ])),
            "usage": usage,
            "context_management": .parameter(.report),
        ]),
        "message_stop": ObjectShape(["type": .parameter(.oneOf(["message_stop"]))]),
        "ping": ObjectShape(["type": .parameter(.oneOf(["ping"]))]),
        "error": ObjectShape([
            "type": .parameter(.oneOf(["error"])),
            "error": .object(ObjectShape(["type": .parameter(.identifier), "message": .text(.prose)])),
            "request_id": .either([.parameter(.identifier), .parameter(.null)]),
        ]),
    ]

    /// `count_tokens`: a number, no text.
    static let tokenCount = ObjectShape([
        "input_tokens": .parameter(.count),
        "context_management": .parameter(.report),
    ])
}
