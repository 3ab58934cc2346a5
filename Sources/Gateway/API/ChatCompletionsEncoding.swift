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
                    let partPath = "\(path).content[\(j)]"
                    guard case .string(let type)? = part["type"] else {
                        throw RequestUnderstanding.fieldError("\(partPath).type", part["type"], expected: "a string")
                    }
                    if type == "text" || type == "input_text" {
                        guard case .string(let text)? = part["text"] else {
                            throw RequestUnderstanding.fieldError("\(partPath).text", part["text"], expected: "a string")
                        }
                        out.append(AIMessage(role: role, text: text, location: "\(partPath).text"))
                    }
                }
            case nil, .null?:
                guard role == .assistant else {
                    throw RequestUnderstanding.fieldError("\(path).content", item["content"], expected: "a string or an array of content parts")
                }
            case let other:
                throw RequestUnderstanding.fieldError("\(path).content", other, expected: "a string or an array of content parts")
            }
            // Arguments the model produced earlier are replayed to it: inspect them too.
            if case .array(let calls)? = item["tool_calls"] {
                for (k, call) in calls.enumerated() {
                    if case .string(let args)? = call["function"]?["arguments"] {
                        out.append(AIMessage(role: .assistant, text: args, location: "\(path).tool_calls[\(k)].function.arguments"))
                    }
                }
            }
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
