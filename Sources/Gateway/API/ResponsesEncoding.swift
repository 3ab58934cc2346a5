import Core

/// `POST /v1/responses` request shape (`input` string or items, `instructions`, tools).
enum ResponsesEncoding {
    static func messages(_ json: JSONValue) throws(GatewayError) -> [AIMessage] {
        var out: [AIMessage] = []
        switch json["instructions"] {
        case nil, .null?: break
        case .string(let s)?: out.append(AIMessage(role: .system, text: s, location: "instructions"))
        case let other: throw RequestUnderstanding.fieldError("instructions", other, expected: "a string")
        }
        switch json["input"] {
        case .string(let s)?:
            out.append(AIMessage(role: .user, text: s, location: "input"))
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                let path = "input[\(i)]"
                let type = item["type"]?.stringValue ?? "message"
                switch type {
                case "message":
                    let roleName = item["role"]?.stringValue ?? ""
                    guard let role = ChatCompletionsEncoding.roles[roleName] else {
                        throw RequestUnderstanding.fieldError("\(path).role", item["role"], expected: "one of system, developer, user, assistant")
                    }
                    switch item["content"] {
                    case .string(let s)?:
                        out.append(AIMessage(role: role, text: s, location: "\(path).content"))
                    case .array(let parts)?:
                        for (j, part) in parts.enumerated() {
                            out += try RequestText.part(part, at: "\(path).content[\(j)]", role: role)
                        }
                    case let other:
                        throw RequestUnderstanding.fieldError("\(path).content", other, expected: "a string or an array of content parts")
                    }
                case "function_call_output", "custom_tool_call_output", "local_shell_call_output", "shell_call_output":
                    switch item["output"] {
                    case .string(let s)?: out.append(AIMessage(role: .tool, text: s, location: "\(path).output"))
                    case .array(let parts)?:
                        for (j, part) in parts.enumerated() { out += try RequestText.part(part, at: "\(path).output[\(j)]", role: .tool) }
                    case nil, .null?: break
                    default: out += RequestText.leaves(item["output"]!, at: "\(path).output", role: .tool)
                    }
                case "function_call":
                    if case .string(let s)? = item["arguments"] {
                        out.append(AIMessage(role: .assistant, text: s, location: "\(path).arguments"))
                    }
                case "item_reference":
                    break  // an id of stored provider state, no text of its own
                default:
                    // Reasoning summaries, custom tool input, MCP calls, search results...: every string the
                    // item carries, except identifiers and opaque provider data.
                    out += RequestText.leaves(item, at: path, role: type.hasSuffix("_output") ? .tool : .assistant)
                }
            }
        case let other:
            throw RequestUnderstanding.fieldError("input", other, expected: "a string or an array of input items")
        }
        out += RequestText.toolDefinitions(json, key: "tools", nested: nil)
        if let format = json["text"]?["format"] {
            out += RequestText.leaves(format, at: "text.format", role: .system, skipping: ["type", "format", "$ref", "$schema", "strict"])
        }
        if let variables = json["prompt"]?["variables"]?.objectValue {
            for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
                let path = "prompt.variables" + RequestText.step(name)
                switch value {
                case .string(let s): out.append(AIMessage(role: .user, text: s, location: path))
                case .object: out += try RequestText.part(value, at: path, role: .user)
                default: break
                }
            }
        }
        return out
    }

    static func tools(_ json: JSONValue) throws(GatewayError) -> [String] {
        switch json["tools"] {
        case nil, .null?: return []
        case .array(let tools)?:
            return try tools.enumerated().map { (i, tool) throws(GatewayError) -> String in
                guard case .string(let type)? = tool["type"] else {
                    throw RequestUnderstanding.fieldError("tools[\(i)].type", tool["type"], expected: "a string")
                }
                // Function tools are named; built-in tools (web_search, file_search...) by their type.
                return type == "function" ? (tool["name"]?.stringValue ?? tool["function"]?["name"]?.stringValue ?? "function") : type
            }
        case let other:
            throw RequestUnderstanding.fieldError("tools", other, expected: "an array")
        }
    }
}
