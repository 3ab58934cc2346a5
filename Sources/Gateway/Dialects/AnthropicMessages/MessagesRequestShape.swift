import Core

/// Every field of `POST /v1/messages` and `POST /v1/messages/count_tokens`, as the official `anthropic` SDK's
/// `MessageCreateParams` and `MessageCountTokensParams` declare them (checked by
/// tests/e2e/test_dialect_declarations.py against the installed SDK), plus the sampling parameters the API
/// still takes (`temperature`, `top_p`, `top_k`).
enum MessagesRequestShape {
    static let thinking = FieldShape.variants(VariantShape([
        ("enabled", ObjectShape([
            "budget_tokens": .parameter(.integer(1024...Int.max)), "display": .parameter(.oneOf(["summarized", "omitted"])),
        ], required: ["budget_tokens"])),
        ("adaptive", ObjectShape(["display": .parameter(.oneOf(["summarized", "omitted"]))])),
        ("disabled", ObjectShape([:])),
    ], refused: [("between_tools", "thinking between tool calls is not served by the gateway yet.")]))

    static let outputConfig = FieldShape.object(ObjectShape([
        "effort": .parameter(.oneOf(["low", "medium", "high", "xhigh", "max"])),
        "format": .either([
            .variants(VariantShape([("json_schema", ObjectShape(["schema": .freeform(.prose(.system))], required: ["schema"]))])),
            .parameter(.null),
        ]),
    ]))

    /// `metadata.user_id`: replaced by the gateway's pseudonymous id of the principal (never the caller's value).
    static let metadata = FieldShape.object(ObjectShape([
        "user_id": .either([.parameter(.opaque("replaced by the gateway's pseudonymous id of the principal")), .parameter(.null)]),
    ]))

    static let workspace = "the workspace is the gateway's credential's, not the caller's choice."

    /// What both endpoints take.
    static let common: KeyValuePairs<String, FieldShape> = [
        "model": .parameter(.model),
        "messages": .array(MessagesContent.message),
        "system": MessagesContent.system,
        "tools": .array(MessagesTools.tool),
        "tool_choice": MessagesTools.toolChoice,
        "thinking": thinking,
        "cache_control": MessagesContent.cacheControl,
        "output_config": outputConfig,
        "speed": .either([.parameter(.oneOf(["standard", "fast"])), .parameter(.null)]),
        "user_profile_id": .refused("acting for another party is decided by the gateway's identity, not by the caller."),
        "workspace_id": .refused(workspace),
        "mcp_servers": .refused("MCP servers called by the provider are not served: tool calls go through the gateway's MCP endpoint."),
        "context_management": .refused("context management edits the conversation at the provider, outside the gateway's inspection."),
        "container": .refused(MessagesContent.providerCode),
    ]

    static let request = ObjectShape([
        "max_tokens": .parameter(.count),
        "stream": .parameter(.boolean),
        "stop_sequences": .array(.text(.prose(.system))),
        "metadata": metadata,
        "temperature": .parameter(.number(0...1)),
        "top_p": .parameter(.number(0...1)),
        "top_k": .parameter(.count),
        "service_tier": .parameter(.oneOf(["auto", "standard_only"])),
        "inference_geo": .either([.parameter(.identifier), .parameter(.null)]),
        "diagnostics": .either([.object(ObjectShape(["previous_message_id": .parameter(.identifier)])), .parameter(.null)]),
    ]).adding(common, required: ["model", "messages", "max_tokens"])

    static let countTokens = ObjectShape(list: common.map { ($0.key, $0.value) }, required: ["model", "messages"], role: nil, tool: nil)
}
