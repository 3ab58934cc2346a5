import Core

/// The tools of the Messages API and how a request chooses among them. Custom tools and the Anthropic-defined
/// tools the caller runs (bash, text editor, memory) are declared to policy by name; web search runs at the
/// provider and needs a policy that names it in `@tools` (`ObligationStage`); provider tools whose traffic the
/// gateway cannot see at all (code execution, web fetch, tool search, computer and browser toolsets) are refused.
enum MessagesTools {
    static let webFetch = "web fetch runs at the provider and fetches pages the gateway never sees; not served."
    static let toolSearch = "tool search loads tools the gateway has not seen declared; not served."
    static let toolset = "provider-defined toolsets are not served by the gateway; declare the tools you run as custom tools."

    static let allowedCallers = FieldShape.array(.either([
        .parameter(.oneOf(["direct"])), .refused(MessagesContent.programmatic),
    ]))

    /// What every tool declaration may carry besides its own members.
    static let common: KeyValuePairs<String, FieldShape> = [
        "cache_control": MessagesContent.cacheControl,
        "defer_loading": .parameter(.boolean),
        "strict": .parameter(.boolean),
    ]

    static let inputExamples = FieldShape.array(.freeform(.prose(.system)))

    static let custom = ObjectShape([
        "name": .text(.name(.system)), "description": .text(.prose(.system)),
        "input_schema": .freeform(.prose(.system)), "input_examples": inputExamples,
        "eager_input_streaming": .either([.parameter(.boolean), .parameter(.null)]),
        "allowed_callers": allowedCallers,
    ], required: ["name", "input_schema"], tool: .client { $0["name"]?.stringValue }).adding(common)

    /// An Anthropic-defined tool the caller runs (bash, text editor, memory): named by its fixed name.
    static func clientDefined(_ name: String, extra: KeyValuePairs<String, FieldShape> = [:]) -> ObjectShape {
        ObjectShape([
            "name": .parameter(.oneOf([name])), "input_examples": inputExamples, "allowed_callers": allowedCallers,
        ], required: ["name"], tool: .client { $0["name"]?.stringValue }).adding(common).adding(extra)
    }

    static let userLocation = FieldShape.either([
        .object(ObjectShape([
            "type": .parameter(.oneOf(["approximate"])),
            "city": .either([.text(.prose(.system)), .parameter(.null)]), "country": .either([.text(.prose(.system)), .parameter(.null)]),
            "region": .either([.text(.prose(.system)), .parameter(.null)]), "timezone": .either([.text(.prose(.system)), .parameter(.null)]),
        ], required: ["type"])),
        .parameter(.null),
    ])

    static let domains = FieldShape.either([.array(.text(.name(.system))), .parameter(.null)])

    /// Web search: run by the provider; permitted only by a policy naming `web_search` in `@tools`.
    static let webSearch = ObjectShape([
        "name": .parameter(.oneOf(["web_search"])), "allowed_domains": domains, "blocked_domains": domains,
        "max_uses": .either([.parameter(.positiveInteger), .parameter(.null)]), "user_location": userLocation,
        "allowed_callers": allowedCallers,
        "response_inclusion": .either([.parameter(.identifier), .parameter(.null)]),
    ], required: ["name"], tool: .provider { _ in "web_search" }).adding(common)

    static let tool = FieldShape.variants(VariantShape(default: "custom", [
        ("custom", custom),
        ("bash_20250124", clientDefined("bash")),
        ("text_editor_20250124", clientDefined("str_replace_editor")),
        ("text_editor_20250429", clientDefined("str_replace_based_edit_tool")),
        ("text_editor_20250728", clientDefined("str_replace_based_edit_tool", extra: [
            "max_characters": .either([.parameter(.positiveInteger), .parameter(.null)]),
        ])),
        ("memory_20250818", clientDefined("memory")),
        ("web_search_20250305", webSearch), ("web_search_20260209", webSearch), ("web_search_20260318", webSearch),
    ], refused: [
        ("code_execution_20250522", MessagesContent.providerCode), ("code_execution_20250825", MessagesContent.providerCode),
        ("code_execution_20260120", MessagesContent.providerCode), ("code_execution_20260521", MessagesContent.providerCode),
        ("web_fetch_20250910", webFetch), ("web_fetch_20260209", webFetch), ("web_fetch_20260309", webFetch),
        ("web_fetch_20260318", webFetch),
        ("tool_search_tool_regex_20251119", toolSearch), ("tool_search_tool_bm25_20251119", toolSearch),
        ("computer_toolset_20260801", toolset), ("browser_toolset_20260801", toolset),
        ("computer_20250124", toolset), ("computer_20251124", toolset),
    ]))

    static let toolChoice = FieldShape.variants(VariantShape([
        ("auto", ObjectShape(["disable_parallel_tool_use": .parameter(.boolean)])),
        ("any", ObjectShape(["disable_parallel_tool_use": .parameter(.boolean)])),
        ("tool", ObjectShape(["name": .text(.name(.system)), "disable_parallel_tool_use": .parameter(.boolean)], required: ["name"])),
        ("none", ObjectShape([:])),
    ]))
}
