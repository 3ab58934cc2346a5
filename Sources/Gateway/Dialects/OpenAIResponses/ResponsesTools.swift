import Core

/// The tools of the Responses API and how a request chooses among them. Tools the caller runs (functions,
/// custom tools, computer use, local shell, patches) are declared to policy by name; tools the provider runs
/// (remote MCP servers, web and file search, code interpreter, image generation, a shell in a provider
/// container) are declared too, and need a policy that permits them by name (`ObligationStage`).
enum ResponsesTools {
    static let callers = FieldShape.either([.array(.parameter(.oneOf(["direct", "programmatic"]))), .parameter(.null)])
    static let notServed = "this tool type is not served by the gateway."

    static let customFormat = FieldShape.variants(VariantShape([
        ("text", ObjectShape([:])),
        ("grammar", ObjectShape([
            "definition": .text(.prose(.system)), "syntax": .parameter(.oneOf(["lark", "regex"])),
        ], required: ["definition", "syntax"])),
    ]))

    static let function = ObjectShape([
        "name": .text(.name(.system)), "description": .text(.prose(.system)),
        "parameters": OpenAIFields.schema, "output_schema": OpenAIFields.schema,
        "strict": .either([.parameter(.boolean), .parameter(.null)]), "async": .parameter(.boolean),
        "allowed_callers": callers, "defer_loading": .parameter(.boolean),
    ], required: ["name"], tool: .client { $0["name"]?.stringValue })

    static let custom = ObjectShape([
        "name": .text(.name(.system)), "description": .text(.prose(.system)), "format": customFormat,
        "async": .parameter(.boolean), "allowed_callers": callers, "defer_loading": .parameter(.boolean),
    ], required: ["name"], tool: .client { $0["name"]?.stringValue })

    static let location = FieldShape.object(ObjectShape([
        "type": .parameter(.oneOf(["approximate"])),
        "city": .text(.prose(.system)), "country": .text(.prose(.system)),
        "region": .text(.prose(.system)), "timezone": .text(.prose(.system)),
    ]))

    static let networkPolicy = FieldShape.variants(VariantShape([
        ("disabled", ObjectShape([:])),
        ("allowlist", ObjectShape([
            "allowed_domains": .array(.text(.name(.system))),
            "domain_secrets": .array(.object(ObjectShape([
                "domain": .text(.name(.system)), "name": .text(.name(.system)),
                "value": .parameter(.opaque("a credential the provider's container uses; permitted only with the tool")),
            ]))),
        ])),
    ]))

    static let container = ObjectShape([
        "file_ids": .array(.refused(ResponsesContent.storedFile)),
        "memory_limit": .parameter(.oneOf(["1g", "4g", "16g", "64g"])),
        "network_policy": networkPolicy,
    ])

    static let approvalFilter = FieldShape.object(ObjectShape([
        "read_only": .parameter(.boolean), "tool_names": .array(.text(.name(.system))),
    ]))

    static let filter = FieldShape.freeform(.prose(.system))

    static let tool = FieldShape.variants(VariantShape([
        ("function", function),
        ("custom", custom),
        ("namespace", ObjectShape([
            "name": .text(.name(.system)), "description": .text(.prose(.system)),
            "tools": .array(.variants(VariantShape([("function", function), ("custom", custom)]))),
        ], required: ["name", "tools"])),
        ("computer", ObjectShape([:], tool: .client { _ in "computer" })),
        ("computer_use_preview", ObjectShape([
            "display_width": .parameter(.positiveInteger), "display_height": .parameter(.positiveInteger),
            "environment": .parameter(.oneOf(["windows", "mac", "linux", "ubuntu", "browser"])),
        ], tool: .client { _ in "computer_use_preview" })),
        ("local_shell", ObjectShape([:], tool: .client { _ in "local_shell" })),
        ("apply_patch", ObjectShape(["allowed_callers": callers], tool: .client { _ in "apply_patch" })),
        ("shell", ObjectShape([
            "allowed_callers": callers,
            "environment": .variants(VariantShape([
                ("local", ObjectShape(["skills": ResponsesItems.skills])),
                ("container_auto", container.adding(["skills": .array(.variants(VariantShape([
                    ("skill_reference", ObjectShape(["skill_id": .parameter(.identifier), "version": .parameter(.identifier)])),
                ], refused: [("inline", "a skill's zipped source cannot be inspected by the gateway.")])))])),
                ("container_reference", ObjectShape(["container_id": .parameter(.identifier)])),
            ])),
        ], tool: ToolRule(
            execution: { ($0["environment"]?["type"]?.stringValue ?? "local") == "local" ? .client : .provider },
            name: { _ in "shell" }))),
        ("file_search", ObjectShape([
            "vector_store_ids": .array(.parameter(.identifier)), "filters": filter, "max_num_results": .parameter(.integer(1...50)),
            "ranking_options": .object(ObjectShape([
                "ranker": .parameter(.identifier), "score_threshold": .parameter(.number(0...1)),
                "hybrid_search": .object(ObjectShape(["embedding_weight": .parameter(.number(0...1)), "text_weight": .parameter(.number(0...1))])),
            ])),
        ], tool: .provider { _ in "file_search" })),
        ("web_search", webSearch), ("web_search_2025_08_26", webSearch),
        ("web_search_preview", webSearchPreview), ("web_search_preview_2025_03_11", webSearchPreview),
        ("mcp", ObjectShape([
            "server_label": .text(.name(.system)), "server_url": .text(.url), "server_description": .text(.prose(.system)),
            "connector_id": .parameter(.identifier), "tunnel_id": .parameter(.identifier),
            "authorization": .parameter(.opaque("a credential for the remote MCP server, sent by the provider; permitted only with the tool")),
            "headers": .map(keys: .name(.system), values: .parameter(.opaque("headers for the remote MCP server; permitted only with the tool"))),
            "allowed_tools": .either([.array(.text(.name(.system))), approvalFilter]),
            "require_approval": .either([.parameter(.oneOf(["always", "never"])), .object(ObjectShape(["always": approvalFilter, "never": approvalFilter]))]),
            "allowed_callers": callers, "defer_loading": .parameter(.boolean),
        ], required: ["server_label"], tool: .provider { $0["server_label"]?.stringValue.map { "mcp:" + $0 } })),
        ("code_interpreter", ObjectShape([
            "container": .either([.parameter(.identifier), .object(container.adding(["type": .parameter(.oneOf(["auto"]))]))]),
            "allowed_callers": callers,
        ], tool: .provider { _ in "code_interpreter" })),
        ("image_generation", ObjectShape([
            "action": .parameter(.oneOf(["generate", "edit", "auto"])), "background": .parameter(.oneOf(["transparent", "opaque", "auto"])),
            "complexity": .parameter(.oneOf(["low", "medium", "high"])), "frame_count": .parameter(.positiveInteger),
            "frame_duration_ms": .parameter(.positiveInteger), "input_fidelity": .parameter(.oneOf(["high", "low"])),
            "input_image_mask": .object(ObjectShape(["image_url": .text(.url), "file_id": .refused(ResponsesContent.storedFile)])),
            "model": .parameter(.model), "moderation": .parameter(.oneOf(["auto", "low"])), "output_compression": .parameter(.integer(0...100)),
            "output_format": .parameter(.identifier), "partial_images": .parameter(.integer(0...3)), "quality": .parameter(.identifier),
            "size": .parameter(.identifier),
            "svg": .object(ObjectShape(["model": .parameter(.model), "reasoning": .object(ObjectShape(["effort": OpenAIFields.reasoningEffort]))])),
        ], tool: .provider { _ in "image_generation" })),
    ], refused: [("tool_search", notServed), ("programmatic_tool_calling", notServed)]))

    static let webSearch = ObjectShape([
        "external_web_access": .parameter(.boolean),
        "filters": .object(ObjectShape(["allowed_domains": .array(.text(.name(.system)))])),
        "search_context_size": .parameter(.oneOf(["low", "medium", "high"])),
        "user_location": location,
    ], tool: .provider { _ in "web_search" })

    static let webSearchPreview = ObjectShape([
        "search_content_types": .array(.parameter(.oneOf(["text", "image"]))),
        "search_context_size": .parameter(.oneOf(["low", "medium", "high"])),
        "user_location": location,
    ], tool: .provider { _ in "web_search" })

    static let choice = FieldShape.either([
        .parameter(.oneOf(["none", "auto", "required"])),
        .variants(VariantShape([
            ("allowed_tools", ObjectShape([
                "mode": .parameter(.oneOf(["auto", "required"])), "tools": .array(.freeform(.prose(.system))),
            ], required: ["mode", "tools"])),
            ("function", ObjectShape(["name": .text(.name(.system))], required: ["name"])),
            ("custom", ObjectShape(["name": .text(.name(.system))], required: ["name"])),
            ("mcp", ObjectShape(["server_label": .text(.name(.system)), "name": .text(.name(.system))], required: ["server_label"])),
            ("file_search", ObjectShape([:])), ("web_search_preview", ObjectShape([:])), ("web_search_preview_2025_03_11", ObjectShape([:])),
            ("computer", ObjectShape([:])), ("computer_use_preview", ObjectShape([:])), ("computer_use", ObjectShape([:])),
            ("image_generation", ObjectShape([:])), ("code_interpreter", ObjectShape([:])),
            ("apply_patch", ObjectShape([:])), ("shell", ObjectShape([:])),
        ], refused: [("programmatic_tool_calling", notServed)])),
    ])
}
