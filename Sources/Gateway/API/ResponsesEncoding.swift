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
                            let t = part["type"]?.stringValue
                            if t == "input_text" || t == "output_text" || t == "text" {
                                guard case .string(let s)? = part["text"] else {
                                    throw RequestUnderstanding.fieldError("\(path).content[\(j)].text", part["text"], expected: "a string")
                                }
                                out.append(AIMessage(role: role, text: s, location: "\(path).content[\(j)].text"))
                            }
                        }
                    case let other:
                        throw RequestUnderstanding.fieldError("\(path).content", other, expected: "a string or an array of content parts")
                    }
                case "function_call_output":
                    if case .string(let s)? = item["output"] {
                        out.append(AIMessage(role: .tool, text: s, location: "\(path).output"))
                    }
                case "function_call":
                    if case .string(let s)? = item["arguments"] {
                        out.append(AIMessage(role: .assistant, text: s, location: "\(path).arguments"))
                    }
                default:
                    break
                }
            }
        case let other:
            throw RequestUnderstanding.fieldError("input", other, expected: "a string or an array of input items")
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
