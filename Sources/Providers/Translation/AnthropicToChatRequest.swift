import Core

/// An Anthropic Messages caller served by an OpenAI-compatible chat completions upstream: the request goes
/// down as a chat request, the answer (whole or streamed) and errors come back as Anthropic messages.
///
/// Every top-level field of an Anthropic request is switched over below: mapped, or refused with
/// `UntranslatableRequest`. A `null` value counts as absent. Deliberate no-ops (mapped to nothing):
/// - `cache_control`, at the top level and on any block or tool: a caching hint, no OpenAI equivalent;
/// - `thinking: {"type":"disabled"}`, `service_tier: "auto"`, `speed: "standard"`: what the upstream does anyway.
public enum AnthropicToChat {
    static let target = "OpenAI chat completions"

    public static func request(_ messages: JSONValue) throws(UntranslatableRequest) -> JSONValue {
        let body = try TranslationReading.object(messages, "")
        var out: [String: JSONValue] = [:]
        var system: JSONValue?
        var conversation: [JSONValue] = []
        var parallel: Bool?

        for key in TranslationReading.keys(body) {
            let value = body[key]!
            if value == .null { continue }
            switch key {
            case "model":
                out["model"] = value
            case "messages":
                conversation = try AnthropicMessagesToChat.translate(value)
            case "system":
                system = try AnthropicMessagesToChat.systemMessage(value, param: "system")
            case "max_tokens":
                out["max_tokens"] = value
            case "stop_sequences":
                if value.arrayValue?.isEmpty != true { out["stop"] = value }
            case "temperature":
                out["temperature"] = value
            case "top_p":
                out["top_p"] = value
            case "top_k":
                throw TranslationReading.refuse(key, "OpenAI chat completions has no top_k")
            case "stream":
                out["stream"] = value
                if value == .bool(true) { out["stream_options"] = ["include_usage": true] }
            case "metadata":
                let metadata = try TranslationReading.object(value, key)
                try TranslationReading.only(metadata, ["user_id"], key, target: target)
                if let user = metadata["user_id"], user != .null { out["user"] = .string(try TranslationReading.string(user, "metadata.user_id")) }
            case "tools":
                out["tools"] = .array(try tools(value))
            case "tool_choice":
                let (choice, disableParallel) = try toolChoice(value)
                out["tool_choice"] = choice
                if disableParallel { parallel = false }
            case "thinking":
                guard value["type"] == "disabled" else {
                    throw TranslationReading.refuse(key, "extended thinking cannot be asked of an OpenAI-format model")
                }
            case "cache_control":
                break  // deliberate no-op, see above
            case "service_tier":
                guard value == "auto" else { throw TranslationReading.refuse(key, "only service_tier \"auto\" can be served by an OpenAI-format model") }
            case "speed":
                guard value == "standard" else { throw TranslationReading.refuse(key, "only speed \"standard\" can be served by an OpenAI-format model") }
            case "container", "mcp_servers", "context_management", "output_config", "inference_geo", "diagnostics",
                 "user_profile_id", "workspace_id":
                throw TranslationReading.refuse(key, "\(key) has no equivalent in OpenAI chat completions")
            default:
                throw TranslationReading.refuse(key, "\(key) is not known to the translation to OpenAI chat completions")
            }
        }
        if let parallel, out["tools"] != nil { out["parallel_tool_calls"] = .bool(parallel) }
        out["messages"] = .array((system.map { [$0] } ?? []) + conversation)
        return .object(out)
    }

    /// Custom tools (no `type`, or `"custom"`) as function tools; every Anthropic-defined tool is refused.
    static func tools(_ value: JSONValue) throws(UntranslatableRequest) -> [JSONValue] {
        var out: [JSONValue] = []
        for (i, item) in try TranslationReading.array(value, "tools").enumerated() {
            let place = "tools[\(i)]"
            let tool = try TranslationReading.object(item, place)
            guard tool["type"] == nil || tool["type"] == .null || tool["type"] == "custom" else {
                throw TranslationReading.refuse(place, "Anthropic-defined tools cannot be served by an OpenAI-format model")
            }
            var function: [String: JSONValue] = [:]
            for key in TranslationReading.keys(tool) {
                let member = tool[key]!
                switch key {
                case "type", "cache_control": continue
                case "name": function["name"] = .string(try TranslationReading.string(member, "\(place).name"))
                case "description": function["description"] = .string(try TranslationReading.string(member, "\(place).description"))
                case "input_schema": function["parameters"] = .object(try TranslationReading.object(member, "\(place).input_schema"))
                case "strict": if member == .bool(true) { function["strict"] = true }
                case "allowed_callers":
                    guard member == .null || member == ["direct"] else {
                        throw TranslationReading.refuse("\(place).allowed_callers", "only direct callers exist for an OpenAI-format model")
                    }
                case "defer_loading", "eager_input_streaming":
                    guard member == .null || member == .bool(false) else {
                        throw TranslationReading.refuse("\(place).\(key)", "\(key) has no equivalent in OpenAI chat completions")
                    }
                case "input_examples":
                    guard member == .null || member == [] else {
                        throw TranslationReading.refuse("\(place).input_examples", "input_examples has no equivalent in OpenAI chat completions")
                    }
                default:
                    throw TranslationReading.refuse("\(place).\(key)", "\(key) has no equivalent in OpenAI chat completions")
                }
            }
            out.append(["type": "function", "function": .object(function)])
        }
        return out
    }

    static func toolChoice(_ value: JSONValue) throws(UntranslatableRequest) -> (JSONValue, disableParallel: Bool) {
        let choice = try TranslationReading.object(value, "tool_choice")
        let disable = choice["disable_parallel_tool_use"] == .bool(true)
        switch choice["type"]?.stringValue {
        case "auto":
            try TranslationReading.only(choice, ["disable_parallel_tool_use"], "tool_choice", target: target)
            return ("auto", disable)
        case "any":
            try TranslationReading.only(choice, ["disable_parallel_tool_use"], "tool_choice", target: target)
            return ("required", disable)
        case "tool":
            try TranslationReading.only(choice, ["name", "disable_parallel_tool_use"], "tool_choice", target: target)
            let name = try TranslationReading.string(choice["name"], "tool_choice.name")
            return (["type": "function", "function": ["name": .string(name)]], disable)
        case "none":
            try TranslationReading.only(choice, [], "tool_choice", target: target)
            return ("none", false)
        default:
            throw TranslationReading.refuse("tool_choice", "this tool_choice has no equivalent in OpenAI chat completions")
        }
    }
}
