import Core

/// `POST /v1/chat/completions` request shape: every text the model will read, with its role and place.
enum ChatCompletionsEncoding {
    static let roles: [String: AIMessage.Role] = [
        "system": .system, "developer": .developer, "user": .user, "assistant": .assistant, "tool": .tool, "function": .tool,
    ]

    static func messages(_ json: JSONValue) throws(GatewayError) -> [AIMessage] {
        guard case .array(let items)? = json["messages"], !items.isEmpty else {
            throw RequestUnderstanding.fieldError("messages", json["messages"], expected: "a non-empty array")
        }
        var out: [AIMessage] = []
        for (i, item) in items.enumerated() {
            let path = "messages[\(i)]"
            guard case .object = item else { throw RequestUnderstanding.fieldError(path, item, expected: "an object") }
            guard case .string(let roleName)? = item["role"], let role = roles[roleName] else {
                throw RequestUnderstanding.fieldError("\(path).role", item["role"], expected: "one of system, developer, user, assistant, tool")
            }
            switch item["content"] {
            case .string(let text)?:
                out.append(AIMessage(role: role, text: text, location: "\(path).content"))
            case .array(let parts)?:
                for (j, part) in parts.enumerated() {
                    out += try RequestText.part(part, at: "\(path).content[\(j)]", role: role)
                }
            case nil, .null?:
                guard role == .assistant else {
                    throw RequestUnderstanding.fieldError("\(path).content", item["content"], expected: "a string or an array of content parts")
                }
            case let other:
                throw RequestUnderstanding.fieldError("\(path).content", other, expected: "a string or an array of content parts")
            }
            // What the model produced earlier is replayed to it: inspect it too.
            if case .string(let refusal)? = item["refusal"] {
                out.append(AIMessage(role: .assistant, text: refusal, location: "\(path).refusal"))
            }
            if case .string(let args)? = item["function_call"]?["arguments"] {
                out.append(AIMessage(role: .assistant, text: args, location: "\(path).function_call.arguments"))
            }
            if case .array(let calls)? = item["tool_calls"] {
                for (k, call) in calls.enumerated() {
                    if case .string(let args)? = call["function"]?["arguments"] {
                        out.append(AIMessage(role: .assistant, text: args, location: "\(path).tool_calls[\(k)].function.arguments"))
                    }
                }
            }
        }
        // Tool and function definitions, and the structured-output schema, are read by the model too.
        out += RequestText.toolDefinitions(json, key: "tools", nested: "function")
        out += RequestText.toolDefinitions(json, key: "functions", nested: nil)
        if let schema = json["response_format"]?["json_schema"] {
            out += RequestText.leaves(schema, at: "response_format.json_schema", role: .system, skipping: ["type", "format", "$ref", "$schema", "strict"])
        }
        switch json["prediction"]?["content"] {
        case .string(let s)?: out.append(AIMessage(role: .assistant, text: s, location: "prediction.content"))
        case .array(let parts)?:
            for (j, part) in parts.enumerated() { out += try RequestText.part(part, at: "prediction.content[\(j)]", role: .assistant) }
        default: break
        }
        return out
    }

    static func tools(_ json: JSONValue) throws(GatewayError) -> [String] {
        switch json["tools"] {
        case nil, .null?: return []
        case .array(let tools)?:
            var names: [String] = []
            for (i, tool) in tools.enumerated() {
                guard case .string(let name)? = tool["function"]?["name"] else {
                    throw RequestUnderstanding.fieldError("tools[\(i)].function.name", tool["function"]?["name"], expected: "a string")
                }
                names.append(name)
            }
            return names
        case let other:
            throw RequestUnderstanding.fieldError("tools", other, expected: "an array")
        }
    }
}
