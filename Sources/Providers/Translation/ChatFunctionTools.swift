import Core

/// Chat function tools (`tools`) and `tool_choice` read into provider-neutral declarations, for Converse
/// and Gemini. Refused: non-function tools, `strict: true` (neither format enforces a schema strictly),
/// `allowed_tools` choices; `parallel_tool_calls: false` is refused by the callers (neither format can
/// forbid parallel calls), and the legacy `functions`/`function_call` too (use `tools`/`tool_choice`).
struct ChatFunctionTools {
    struct Function: Equatable {
        var name: String
        var description: String?
        /// The JSON schema of the arguments, when declared.
        var parameters: [String: JSONValue]?
    }

    enum Choice: Equatable { case none, auto, required, function(String) }

    var functions: [Function]?
    var choice: Choice?

    /// The choice, checked against the declared tools: a required or named choice needs tools.
    func checkedChoice(target: String) throws(UntranslatableRequest) -> Choice? {
        switch choice {
        case .required?, .function?:
            guard let functions, !functions.isEmpty else { throw TranslationReading.refuse("tool_choice", "tool_choice needs tools") }
            if case .function(let name)? = choice, !functions.contains(where: { $0.name == name }) {
                throw TranslationReading.refuse("tool_choice.function.name", "tool_choice names no declared tool")
            }
            return choice
        case .none?, .auto?, nil:
            return choice
        }
    }

    static func functions(_ value: JSONValue, target: String) throws(UntranslatableRequest) -> [Function] {
        var out: [Function] = []
        for (i, item) in try TranslationReading.array(value, "tools").enumerated() {
            let place = "tools[\(i)]"
            let tool = try TranslationReading.object(item, place)
            guard tool["type"] == "function" else {
                throw TranslationReading.refuse(place, "only function tools have an equivalent in \(target)")
            }
            try TranslationReading.only(tool, ["function"], place, target: target)
            out.append(try function(tool["function"] ?? .null, "\(place).function", target: target))
        }
        return out
    }

    private static func function(_ value: JSONValue, _ param: String, target: String) throws(UntranslatableRequest) -> Function {
        let object = try TranslationReading.object(value, param)
        var function = Function(name: "")
        for key in TranslationReading.keys(object) {
            let member = object[key]!
            switch key {
            case "name":
                function.name = try TranslationReading.string(member, "\(param).name")
            case "description":
                if member != .null { function.description = try TranslationReading.string(member, "\(param).description") }
            case "parameters":
                if member != .null { function.parameters = try TranslationReading.object(member, "\(param).parameters") }
            case "strict":
                guard member != .bool(true) else {
                    throw TranslationReading.refuse("\(param).strict", "strict tool schemas are not translated to \(target)")
                }
            default:
                throw TranslationReading.refuse("\(param).\(key)", "\(key) has no equivalent in \(target)")
            }
        }
        guard !function.name.isEmpty else { throw TranslationReading.refuse("\(param).name", "a tool needs a name") }
        return function
    }

    static func choice(_ value: JSONValue, target: String) throws(UntranslatableRequest) -> Choice {
        switch value {
        case "none": return .none
        case "auto": return .auto
        case "required": return .required
        case .object(let choice):
            switch choice["type"]?.stringValue {
            case "function":
                try TranslationReading.only(choice, ["function"], "tool_choice", target: target)
                let named = try TranslationReading.object(choice["function"] ?? .null, "tool_choice.function")
                try TranslationReading.only(named, ["name"], "tool_choice.function", target: target)
                return .function(try TranslationReading.string(named["name"], "tool_choice.function.name"))
            case "allowed_tools":
                throw TranslationReading.refuse("tool_choice", "allowed_tools has no equivalent in \(target); send only the allowed tools")
            default:
                throw TranslationReading.refuse("tool_choice", "this tool_choice has no equivalent in \(target)")
            }
        default:
            throw TranslationReading.refuse("tool_choice", "this tool_choice has no equivalent in \(target)")
        }
    }
}
