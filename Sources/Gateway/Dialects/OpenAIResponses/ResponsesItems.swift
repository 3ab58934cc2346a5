import Core

/// The items of a conversation in the Responses API — input items of a request and output items of an
/// answer share these declarations (an answer's items come back as the next request's input). Item types
/// the gateway does not serve are declared refused: a request carrying one is refused, an answer loses it.
enum ResponsesItems {
    typealias C = ResponsesContent

    static let status = FieldShape.parameter(.oneOf(["in_progress", "searching", "completed", "incomplete", "interpreting", "generating", "calling", "failed"]))
    static let id = FieldShape.parameter(.identifier)

    static let notServed = "this item type is not served by the gateway."

    static let computerAction = FieldShape.variants(VariantShape([
        ("click", ObjectShape([
            "button": .parameter(.oneOf(["left", "right", "wheel", "back", "forward"])), "x": .parameter(.anyInteger),
            "y": .parameter(.anyInteger), "keys": .array(.text(.name)),
        ])),
        ("double_click", ObjectShape(["x": .parameter(.anyInteger), "y": .parameter(.anyInteger), "keys": .array(.text(.name))])),
        ("drag", ObjectShape([
            "path": .array(.object(ObjectShape(["x": .parameter(.anyInteger), "y": .parameter(.anyInteger)]))),
            "keys": .array(.text(.name)),
        ])),
        ("keypress", ObjectShape(["keys": .array(.text(.name))])),
        ("move", ObjectShape(["x": .parameter(.anyInteger), "y": .parameter(.anyInteger), "keys": .array(.text(.name))])),
        ("screenshot", ObjectShape([:])),
        ("scroll", ObjectShape([
            "x": .parameter(.anyInteger), "y": .parameter(.anyInteger), "scroll_x": .parameter(.anyInteger),
            "scroll_y": .parameter(.anyInteger), "keys": .array(.text(.name)),
        ])),
        ("type", ObjectShape(["text": .text(.prose)])),
        ("wait", ObjectShape([:])),
    ]))

    static let safetyCheck = FieldShape.object(ObjectShape(["id": id, "code": .text(.name), "message": .text(.prose)]))

    static let mcpError = FieldShape.variants(VariantShape([
        ("mcp_protocol_error", ObjectShape(["code": .parameter(.anyInteger), "message": .text(.prose)])),
        ("mcp_tool_execution_error", ObjectShape(["content": .freeform(.prose(.tool))])),
        ("http_error", ObjectShape(["code": .parameter(.anyInteger), "message": .text(.prose)])),
    ]))

    static let shellOutcome = FieldShape.variants(VariantShape([
        ("timeout", ObjectShape([:])), ("exit", ObjectShape(["exit_code": .parameter(.anyInteger)])),
    ]))

    static let skills = FieldShape.array(.object(ObjectShape(["name": .text(.name), "description": .text(.prose(.system)), "path": .text(.name)])))

    static let shellEnvironment = FieldShape.variants(VariantShape([
        ("local", ObjectShape(["skills": skills])),
        ("container_reference", ObjectShape(["container_id": id])),
    ]))

    static let patchOperation = FieldShape.variants(VariantShape([
        ("create_file", ObjectShape(["path": .text(.name), "diff": .text(.prose)])),
        ("delete_file", ObjectShape(["path": .text(.name)])),
        ("update_file", ObjectShape(["path": .text(.name), "diff": .text(.prose)])),
    ]))

    static let item = FieldShape.variants(VariantShape(default: "message", [
        ("message", C.message),
        ("function_call", ObjectShape([
            "call_id": id, "id": id, "name": .text(.name), "arguments": C.text("args", form: .json),
            "namespace": .text(.name), "caller": C.caller, "async": .parameter(.boolean), "status": status,
        ], required: ["call_id", "name", "arguments"], role: .fixed(.assistant))),
        ("function_call_output", ObjectShape([
            "call_id": id, "id": id, "output": C.toolOutput, "name": .text(.name), "namespace": .text(.name),
            "caller": C.caller, "status": status, "created_by": id,
        ], required: ["output"], role: .fixed(.tool))),
        ("custom_tool_call", ObjectShape([
            "call_id": id, "id": id, "name": .text(.name), "input": C.text("input"), "namespace": .text(.name),
            "caller": C.caller, "async": .parameter(.boolean), "status": status,
        ], required: ["call_id", "name", "input"], role: .fixed(.assistant))),
        ("custom_tool_call_output", ObjectShape([
            "call_id": id, "id": id, "output": C.toolOutput, "caller": C.caller, "status": status, "created_by": id,
        ], required: ["call_id", "output"], role: .fixed(.tool))),
        ("reasoning", ObjectShape([
            "id": id,
            "summary": .array(.variants(VariantShape([("summary_text", ObjectShape(["text": C.text("summary", part: .summary)], required: ["text"]))]))),
            "content": .array(.variants(VariantShape([("reasoning_text", C.reasoningText)]))),
            "encrypted_content": .parameter(.opaque("reasoning the provider encrypted for itself, to be read back only by it")),
            "status": status,
        ], role: .fixed(.assistant))),
        ("computer_call", ObjectShape([
            "id": id, "call_id": id, "action": computerAction, "actions": .array(computerAction),
            "pending_safety_checks": .array(safetyCheck), "status": status,
        ], role: .fixed(.assistant))),
        ("computer_call_output", ObjectShape([
            "call_id": id, "id": id, "status": status, "created_by": id,
            "output": .object(ObjectShape([
                "type": .parameter(.oneOf(["computer_screenshot"])), "image_url": .text(.url), "file_id": .refused(C.storedFile),
            ])),
            "acknowledged_safety_checks": .array(safetyCheck),
        ], required: ["call_id", "output"], role: .fixed(.tool))),
        ("web_search_call", ObjectShape([
            "id": id, "status": status,
            "action": .variants(VariantShape([
                ("search", ObjectShape([
                    "query": .text(.prose), "queries": .array(.text(.prose)),
                    "sources": .array(.object(ObjectShape(["type": .parameter(.oneOf(["url"])), "url": .text(.url)]))),
                ])),
                ("open_page", ObjectShape(["url": .text(.url)])),
                ("find_in_page", ObjectShape(["url": .text(.url), "pattern": .text(.prose)])),
            ])),
        ], role: .fixed(.assistant))),
        ("file_search_call", ObjectShape([
            "id": id, "status": status, "queries": .array(.text(.prose(.assistant))),
            "results": .array(.object(ObjectShape([
                "file_id": id, "filename": .text(.name), "score": .parameter(.number(-1e9...1e9)), "text": .text(.prose),
                "attributes": .map(keys: .name, values: .either([.text(.prose), .parameter(.number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)), .parameter(.boolean)])),
            ]))),
        ], role: .fixed(.tool))),
        ("image_generation_call", ObjectShape([
            "id": id, "status": status,
            "result": .parameter(.opaque("a generated picture (pictures are not inspected; no OCR)")),
            "revised_prompt": .text(.prose), "action": .parameter(.oneOf(["generate", "edit", "auto"])),
            "background": .parameter(.oneOf(["transparent", "opaque", "auto"])), "output_format": .parameter(.identifier),
            "quality": .parameter(.identifier), "size": .parameter(.identifier),
            "error": .object(ObjectShape([
                "code": .text(.name), "message": .text(.prose), "param": .text(.name), "type": .text(.name),
                "moderation_details": .parameter(.report),
            ])),
            "svg_usage": .parameter(.report),
        ], role: .fixed(.assistant))),
        ("code_interpreter_call", ObjectShape([
            "id": id, "status": status, "container_id": id, "code": C.text("code", role: .assistant),
            "outputs": .array(.variants(VariantShape([
                ("logs", ObjectShape(["logs": .text(.prose(.tool))])),
                ("image", ObjectShape(["url": .text(.url)])),
            ]))),
        ], role: .fixed(.assistant))),
        ("local_shell_call", ObjectShape([
            "id": id, "call_id": id, "status": status,
            "action": .object(ObjectShape([
                "type": .parameter(.oneOf(["exec"])), "command": .array(.text(.prose)),
                "env": .map(keys: .name, values: .text(.prose)), "timeout_ms": .parameter(.count),
                "user": .text(.name), "working_directory": .text(.name),
            ])),
        ], role: .fixed(.assistant))),
        ("local_shell_call_output", ObjectShape(["id": id, "output": .text(.prose), "status": status], required: ["output"], role: .fixed(.tool))),
        ("shell_call", ObjectShape([
            "id": id, "call_id": id, "status": status, "caller": C.caller, "created_by": id, "environment": shellEnvironment,
            "action": .object(ObjectShape([
                "commands": .array(C.text("command", part: .command)), "max_output_length": .parameter(.count),
                "timeout_ms": .parameter(.count),
            ])),
        ], role: .fixed(.assistant))),
        ("shell_call_output", ObjectShape([
            "id": id, "call_id": id, "status": status, "caller": C.caller, "created_by": id, "max_output_length": .parameter(.count),
            "output": .array(.object(ObjectShape(["stdout": .text(.prose), "stderr": .text(.prose), "outcome": shellOutcome, "created_by": id]))),
        ], role: .fixed(.tool))),
        ("apply_patch_call", ObjectShape([
            "id": id, "call_id": id, "status": status, "caller": C.caller, "created_by": id, "operation": patchOperation,
        ], role: .fixed(.assistant))),
        ("apply_patch_call_output", ObjectShape([
            "id": id, "call_id": id, "status": status, "caller": C.caller, "created_by": id, "output": .text(.prose),
        ], role: .fixed(.tool))),
        ("mcp_list_tools", ObjectShape([
            "id": id, "server_label": .text(.name), "error": .text(.prose),
            "tools": .array(.object(ObjectShape([
                "name": .text(.name), "description": .text(.prose), "input_schema": OpenAIFields.schema,
                "annotations": OpenAIFields.schema,
            ]))),
        ], role: .fixed(.tool))),
        ("mcp_approval_request", ObjectShape([
            "id": id, "server_label": .text(.name), "name": .text(.name), "arguments": C.text("args", form: .json),
        ], role: .fixed(.assistant))),
        ("mcp_approval_response", ObjectShape([
            "id": id, "approval_request_id": id, "approve": .parameter(.boolean), "reason": .text(.prose),
        ], required: ["approval_request_id", "approve"], role: .fixed(.user))),
        ("mcp_call", ObjectShape([
            "id": id, "server_label": .text(.name), "name": .text(.name), "arguments": C.text("mcpargs", form: .json),
            "output": .text(.prose(.tool)), "error": mcpError, "approval_request_id": id, "status": status,
        ], role: .fixed(.assistant))),
        ("compaction", ObjectShape([
            "id": id, "created_by": id,
            "encrypted_content": .parameter(.opaque("earlier context the provider compacted and encrypted for itself")),
        ])),
        ("compaction_trigger", ObjectShape(["id": id])),
    ], refused: [
        ("item_reference", "items stored at the provider are not bound to the caller; send the item itself, or continue with previous_response_id."),
        ("additional_tools", "tools are declared in `tools`, where policy sees them."),
        ("tool_search_call", notServed), ("tool_search_output", notServed), ("configuration_update", notServed),
        ("program", notServed), ("program_output", notServed),
    ]))
}
