import Core

/// The content blocks of Anthropic Messages requests (`MessageParam.content`, `system`, tool results), as
/// the official `anthropic` SDK's block params declare them (checked by tests/e2e/test_dialect_declarations.py).
/// Text, documents given as text, tool inputs and results are inspected; images pass as in the chat dialect
/// (the gateway has no OCR); what it cannot read at all — PDFs, stored files, provider-run code — is refused.
enum MessagesContent {
    static let storedFile = "files stored at the provider cannot be inspected by the gateway's data guardrails; send the content itself."
    static let pdf = "PDF documents cannot be inspected by the gateway's data guardrails and are not forwarded; send the text (a text document)."
    static let providerCode = "code execution at the provider is not served by the gateway: what the code reads and returns cannot be inspected."
    static let programmatic = "tools called by code at the provider are not served by the gateway."

    /// `cache_control`: a prompt-cache breakpoint, no text.
    static let cacheControl = FieldShape.either([
        .object(ObjectShape([
            "type": .parameter(.oneOf(["ephemeral"])), "ttl": .parameter(.oneOf(["5m", "1h"])),
        ], required: ["type"])),
        .parameter(.null),
    ])

    /// Who called a tool: the model directly (calls by provider-run code are refused).
    static let caller = FieldShape.variants(VariantShape(
        [("direct", ObjectShape([:]))],
        refused: [("code_execution_20250825", programmatic), ("code_execution_20260120", programmatic)]))

    /// A citation of an earlier answer, sent back: the cited text and titles are text the model reads again.
    static let citation: FieldShape = {
        let location = ObjectShape([
            "cited_text": .text(.prose), "document_index": .parameter(.count), "document_title": .either([.text(.prose), .parameter(.null)]),
            "start_char_index": .parameter(.count), "end_char_index": .parameter(.count),
            "start_page_number": .parameter(.count), "end_page_number": .parameter(.count),
            "start_block_index": .parameter(.count), "end_block_index": .parameter(.count),
            "search_result_index": .parameter(.count), "source": .text(.prose), "title": .either([.text(.prose), .parameter(.null)]),
            "url": .text(.url), "encrypted_index": .parameter(.opaque("the provider's index of a search result")),
            "file_id": .either([.refused(storedFile), .parameter(.null)]),
        ])
        return .variants(VariantShape([
            ("char_location", location), ("page_location", location), ("content_block_location", location),
            ("search_result_location", location), ("web_search_result_location", location),
        ]))
    }()

    static let citations = FieldShape.either([.array(citation), .parameter(.null)])
    static let citationsConfig = FieldShape.either([.object(ObjectShape(["enabled": .parameter(.boolean)])), .parameter(.null)])

    static let text = ObjectShape([
        "text": .text(.prose), "cache_control": cacheControl, "citations": citations,
    ], required: ["text"])

    static let image = ObjectShape([
        "source": .variants(VariantShape([
            ("base64", ObjectShape([
                "media_type": .parameter(.oneOf(["image/jpeg", "image/png", "image/gif", "image/webp"])),
                "data": .parameter(.opaque("image bytes (the gateway has no OCR; images pass as in the chat API)")),
            ], required: ["media_type", "data"])),
            ("url", ObjectShape(["url": .text(.url)], required: ["url"])),
        ], refused: [("file", storedFile)])),
        "cache_control": cacheControl,
        "transformations": .object(ObjectShape(["oversized_image": .parameter(.identifier)])),
    ], required: ["source"])

    /// Text and images, the parts of a `content` document and of tool results.
    static let textOrImage = FieldShape.variants(VariantShape([("text", text), ("image", image)]))

    static let document = ObjectShape([
        "source": .variants(VariantShape([
            ("text", ObjectShape([
                "data": .text(.prose), "media_type": .parameter(.oneOf(["text/plain"])),
            ], required: ["data"])),
            ("content", ObjectShape([
                "content": .either([.text(.prose), .array(textOrImage)]),
            ], required: ["content"])),
        ], refused: [("base64", pdf), ("url", pdf), ("file", storedFile)])),
        "title": .either([.text(.prose), .parameter(.null)]),
        "context": .either([.text(.prose), .parameter(.null)]),
        "citations": citationsConfig,
        "cache_control": cacheControl,
    ], required: ["source"])

    static let searchResult = ObjectShape([
        "source": .text(.url), "title": .text(.prose), "content": .array(.variants(VariantShape([("text", text)]))),
        "citations": .object(ObjectShape(["enabled": .parameter(.boolean)])), "cache_control": cacheControl,
    ], required: ["source", "title", "content"])

    /// A call the model made earlier, replayed: its name and input are text it reads again.
    static let toolUse = ObjectShape([
        "id": .parameter(.identifier), "name": .text(.name), "input": .freeform(.prose),
        "cache_control": cacheControl, "caller": caller, "toolset_name": .refused(MessagesTools.toolset),
    ], required: ["id", "name", "input"])

    /// What a tool returned, read by the model as tool output (indirect injection is looked for here).
    static let toolResult = ObjectShape([
        "tool_use_id": .parameter(.identifier),
        "content": .either([.text(.prose), .array(.variants(VariantShape(
            [("text", text), ("image", image), ("search_result", searchResult), ("document", document)],
            refused: [
                ("tool_reference", "tool references load tools the gateway has not seen declared."),
                ("browser_state", MessagesTools.toolset),
            ])))]),
        "is_error": .parameter(.boolean),
        "toolset_name": .refused(MessagesTools.toolset),
        "cache_control": cacheControl,
    ], required: ["tool_use_id"], role: .fixed(.tool))

    static let thinking = ObjectShape([
        "thinking": .text(.prose), "signature": .parameter(.opaque("the provider's signature of its own reasoning")),
    ], required: ["thinking", "signature"])

    static let redactedThinking = ObjectShape([
        "data": .parameter(.opaque("reasoning the provider encrypted for itself")),
    ], required: ["data"])

    /// A web search the provider ran earlier (permitted by name in `@tools`), replayed with its results.
    static let serverToolUse = ObjectShape([
        "id": .parameter(.identifier), "name": .parameter(.oneOf(["web_search"])), "input": .freeform(.prose),
        "cache_control": cacheControl, "caller": caller,
    ], required: ["id", "name", "input"])

    static let webSearchResult = FieldShape.variants(VariantShape([
        ("web_search_result", ObjectShape([
            "title": .text(.prose), "url": .text(.url), "page_age": .either([.text(.prose), .parameter(.null)]),
            "encrypted_content": .parameter(.opaque("page content the provider encrypted for itself")),
        ], required: ["title", "url", "encrypted_content"])),
    ]))

    static let webSearchToolResult = ObjectShape([
        "tool_use_id": .parameter(.identifier),
        "content": .either([
            .array(webSearchResult),
            .object(ObjectShape([
                "type": .parameter(.oneOf(["web_search_tool_result_error"])), "error_code": .parameter(.identifier),
            ], required: ["type", "error_code"])),
        ]),
        "cache_control": cacheControl, "caller": caller,
    ], required: ["tool_use_id", "content"], role: .fixed(.tool))

    /// Server-tool history the gateway does not serve (the tools themselves are refused).
    static let refusedBlocks: [(String, String)] = [
        ("code_execution_tool_result", providerCode), ("bash_code_execution_tool_result", providerCode),
        ("text_editor_code_execution_tool_result", providerCode), ("container_upload", storedFile),
        ("web_fetch_tool_result", MessagesTools.webFetch), ("tool_search_tool_result", MessagesTools.toolSearch),
    ]

    static let block = FieldShape.variants(VariantShape([
        ("text", text), ("image", image), ("document", document), ("search_result", searchResult),
        ("tool_use", toolUse), ("tool_result", toolResult), ("thinking", thinking), ("redacted_thinking", redactedThinking),
        ("server_tool_use", serverToolUse), ("web_search_tool_result", webSearchToolResult),
    ], refused: refusedBlocks))

    static let content = FieldShape.either([.text(.prose), .array(block)])

    static let message = FieldShape.variants(VariantShape(tag: "role", [
        ("user", ObjectShape(["content": content], required: ["content"], role: .fixed(.user))),
        ("assistant", ObjectShape(["content": content], required: ["content"], role: .fixed(.assistant))),
    ]))

    static let system = FieldShape.either([
        .text(.prose(.system)),
        .array(.variants(VariantShape([("text", ObjectShape(
            list: text.members.map { ($0.name, $0.shape) }, required: ["text"], role: .fixed(.system), tool: nil))]))),
    ])
}
