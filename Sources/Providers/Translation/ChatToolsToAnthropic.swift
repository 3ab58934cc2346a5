import Core

/// Chat tool declarations (`tools`, legacy `functions`) and choices (`tool_choice`, legacy `function_call`,
/// `parallel_tool_calls`) as Anthropic `tools` and `tool_choice`.
enum ChatToolsToAnthropic {
    /// What the request declared, gathered first because `parallel_tool_calls` lands on the tool choice.
    struct Declared {
        var tools: [JSONValue]?
        var functions: [JSONValue]?
        var choice: JSONValue?
        var functionCall: JSONValue?
        var parallel: Bool?

        func translated() throws(UntranslatableRequest) -> (tools: [JSONValue]?, choice: JSONValue?) {
            if tools != nil, functions != nil {
                throw TranslationReading.refuse("functions", "send tools or the legacy functions, not both")
            }
            if choice != nil, functionCall != nil {
                throw TranslationReading.refuse("function_call", "send tool_choice or the legacy function_call, not both")
            }
            let declared = tools ?? functions
            var chosen = choice ?? functionCall
            if parallel == false, declared != nil {
                var object = chosen?.objectValue ?? ["type": "auto"]
                if object["type"] != "none" { object["disable_parallel_tool_use"] = true }
                chosen = .object(object)
            }
            return (declared, chosen)
        }
    }

    static func tools(_ value: JSONValue, param: String) throws(UntranslatableRequest) -> [JSONValue] {
        var out: [JSONValue] = []
        for (i, item) in try TranslationReading.array(value, param).enumerated() {
            let place = "\(param)[\(i)]"
            let tool = try TranslationReading.object(item, place)
            switch tool["type"]?.stringValue {
            case "function":
                try TranslationReading.only(tool, ["function"], place, target: ChatToAnthropic.target)
                out.append(try function(tool["function"] ?? .null, param: "\(place).function"))
            case "custom":
                throw TranslationReading.refuse(place, "custom (free-form input) tools have no equivalent in Anthropic Messages")
            default:
                throw TranslationReading.refuse(place, "this tool type has no equivalent in Anthropic Messages")
            }
        }
        return out
    }

    static func functions(_ value: JSONValue) throws(UntranslatableRequest) -> [JSONValue] {
        var out: [JSONValue] = []
        for (i, item) in try TranslationReading.array(value, "functions").enumerated() {
            out.append(try function(item, param: "functions[\(i)]"))
        }
        return out
    }

    /// `{name, description, parameters, strict}` as `{name, description, input_schema}`.
    static func function(_ value: JSONValue, param: String) throws(UntranslatableRequest) -> JSONValue {
        let function = try TranslationReading.object(value, param)
        var tool: [String: JSONValue] = [:]
        for key in TranslationReading.keys(function) {
            let member = function[key]!
            switch key {
            case "name":
                tool["name"] = .string(try TranslationReading.string(member, "\(param).name"))
            case "description":
                if member != .null { tool["description"] = .string(try TranslationReading.string(member, "\(param).description")) }
            case "parameters":
                if member != .null { tool["input_schema"] = .object(try TranslationReading.object(member, "\(param).parameters")) }
            case "strict":
                guard member != .bool(true) else {
                    throw TranslationReading.refuse("\(param).strict", "strict tool schemas are not translated to Anthropic Messages")
                }
            default:
                throw TranslationReading.refuse("\(param).\(key)", "\(key) has no equivalent in Anthropic Messages")
            }
        }
        if tool["input_schema"] == nil { tool["input_schema"] = ["type": "object", "properties": [:]] }
        return .object(tool)
    }

    static func toolChoice(_ value: JSONValue) throws(UntranslatableRequest) -> JSONValue {
        switch value {
        case "none": return ["type": "none"]
        case "auto": return ["type": "auto"]
        case "required": return ["type": "any"]
        case .object(let choice):
            switch choice["type"]?.stringValue {
            case "function":
                try TranslationReading.only(choice, ["function"], "tool_choice", target: ChatToAnthropic.target)
                let named = try TranslationReading.object(choice["function"] ?? .null, "tool_choice.function")
                try TranslationReading.only(named, ["name"], "tool_choice.function", target: ChatToAnthropic.target)
                return ["type": "tool", "name": .string(try TranslationReading.string(named["name"], "tool_choice.function.name"))]
            case "allowed_tools":
                throw TranslationReading.refuse("tool_choice", "allowed_tools has no equivalent in Anthropic Messages; send only the allowed tools")
            default:
                throw TranslationReading.refuse("tool_choice", "this tool_choice has no equivalent in Anthropic Messages")
            }
        default:
            throw TranslationReading.refuse("tool_choice", "this tool_choice has no equivalent in Anthropic Messages")
        }
    }

    /// Legacy `function_call`: `"none"`, `"auto"` or `{name}`.
    static func functionCall(_ value: JSONValue) throws(UntranslatableRequest) -> JSONValue {
        switch value {
        case "none": return ["type": "none"]
        case "auto": return ["type": "auto"]
        case .object(let named):
            try TranslationReading.only(named, ["name"], "function_call", target: ChatToAnthropic.target)
            return ["type": "tool", "name": .string(try TranslationReading.string(named["name"], "function_call.name"))]
        default:
            throw TranslationReading.refuse("function_call", "this function_call has no equivalent in Anthropic Messages")
        }
    }
}
