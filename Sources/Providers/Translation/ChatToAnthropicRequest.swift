import Core

/// An OpenAI chat completions caller served by an Anthropic Messages upstream: the request goes down as
/// an Anthropic request, the answer (whole or streamed) and errors come back as chat completions.
///
/// Every top-level field of a chat request is switched over below: mapped, or refused with
/// `UntranslatableRequest`. A `null` value counts as absent. Deliberate no-ops (mapped to nothing):
/// - `stream_options`: the gateway settles usage from Anthropic's `message_delta`, and the stream translator
///   always emits the usage chunk (the gateway drops it when the caller did not ask);
/// - `n: 1`, `logprobs: false`, `top_logprobs: 0`, zero penalties, `store: false`, `service_tier: "auto"`,
///   `modalities: ["text"]`, `response_format: {"type":"text"}`, `parallel_tool_calls: true`, an empty
///   `logit_bias`: each asks for what Anthropic does anyway.
public enum ChatToAnthropic {
    static let target = "Anthropic Messages"

    public static func request(_ chat: JSONValue, defaultMaxTokens: Int) throws(UntranslatableRequest) -> JSONValue {
        let body = try TranslationReading.object(chat, "")
        var out: [String: JSONValue] = [:]
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        var userIDs: [String] = []
        var tools: ChatToolsToAnthropic.Declared = .init()

        for key in TranslationReading.keys(body) {
            let value = body[key]!
            if value == .null { continue }
            switch key {
            case "model":
                out["model"] = value
            case "messages":
                let conversation = try ChatMessagesToAnthropic.translate(value)
                if !conversation.system.isEmpty { out["system"] = .array(conversation.system) }
                out["messages"] = .array(conversation.messages)
            case "stream":
                out["stream"] = value
            case "stream_options":
                break  // deliberate no-op, see above
            case "max_tokens":
                maxTokens = try positive(value, key)
            case "max_completion_tokens":
                maxCompletionTokens = try positive(value, key)
            case "n":
                guard value.intValue == 1 else { throw TranslationReading.refuse(key, "Anthropic Messages answers one choice; n must be 1") }
            case "temperature":
                guard let t = TranslationReading.number(value), t >= 0, t <= 1 else {
                    throw TranslationReading.refuse(key, "Anthropic Messages takes a temperature between 0 and 1")
                }
                out["temperature"] = value
            case "top_p":
                out["top_p"] = value
            case "presence_penalty", "frequency_penalty":
                guard TranslationReading.number(value) == 0 else { throw TranslationReading.refuse(key, "Anthropic Messages has no \(key)") }
            case "stop":
                switch value {
                case .string: out["stop_sequences"] = .array([value])
                case .array(let list):
                    for (i, item) in list.enumerated() { _ = try TranslationReading.string(item, "stop[\(i)]") }
                    if !list.isEmpty { out["stop_sequences"] = value }
                default: throw TranslationReading.refuse(key, "expected a string or an array of strings")
                }
            case "logprobs":
                guard value == .bool(false) else { throw TranslationReading.refuse(key, "Anthropic Messages does not return logprobs") }
            case "top_logprobs":
                guard value.intValue == 0 else { throw TranslationReading.refuse(key, "Anthropic Messages does not return logprobs") }
            case "logit_bias":
                guard value.objectValue?.isEmpty == true else { throw TranslationReading.refuse(key, "Anthropic Messages has no logit_bias") }
            case "tools":
                tools.tools = try ChatToolsToAnthropic.tools(value, param: key)
            case "functions":
                tools.functions = try ChatToolsToAnthropic.functions(value)
            case "tool_choice":
                tools.choice = try ChatToolsToAnthropic.toolChoice(value)
            case "function_call":
                tools.functionCall = try ChatToolsToAnthropic.functionCall(value)
            case "parallel_tool_calls":
                guard let parallel = value.boolValue else { throw TranslationReading.refuse(key, "expected a boolean") }
                tools.parallel = parallel
            case "response_format":
                if let format = try responseFormat(value) { out["output_config"] = ["format": format] }
            case "user", "safety_identifier":
                userIDs.append(try TranslationReading.string(value, key))
            case "store":
                guard value == .bool(false) else { throw TranslationReading.refuse(key, "Anthropic Messages does not store completions") }
            case "service_tier":
                guard value == "auto" else { throw TranslationReading.refuse(key, "only service_tier \"auto\" can be served by Anthropic Messages") }
            case "modalities":
                guard value == ["text"] else { throw TranslationReading.refuse(key, "Anthropic Messages answers text only") }
            case "seed", "prediction", "audio", "web_search_options", "reasoning_effort", "verbosity", "metadata",
                 "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "moderation":
                throw TranslationReading.refuse(key, "\(key) has no equivalent in Anthropic Messages")
            default:
                throw TranslationReading.refuse(key, "\(key) is not known to the translation to Anthropic Messages")
            }
        }

        out["max_tokens"] = .integer(maxCompletionTokens ?? maxTokens ?? defaultMaxTokens)
        if let first = userIDs.first {
            guard userIDs.allSatisfy({ $0 == first }) else {
                throw TranslationReading.refuse("safety_identifier", "user and safety_identifier differ; Anthropic Messages takes one user id")
            }
            out["metadata"] = ["user_id": .string(first)]
        }
        let (anthropicTools, choice) = try tools.translated()
        if let anthropicTools { out["tools"] = .array(anthropicTools) }
        if let choice { out["tool_choice"] = choice }
        return .object(out)
    }

    private static func positive(_ value: JSONValue, _ key: String) throws(UntranslatableRequest) -> Int {
        guard let n = value.intValue, n > 0 else { throw TranslationReading.refuse(key, "expected a positive integer") }
        return n
    }

    /// `text` maps to nothing, `json_schema` to Anthropic structured output (`output_config.format`; Anthropic
    /// always enforces the schema, as OpenAI does with `strict: true`); `json_object` has no equivalent.
    private static func responseFormat(_ value: JSONValue) throws(UntranslatableRequest) -> JSONValue? {
        let format = try TranslationReading.object(value, "response_format")
        switch format["type"]?.stringValue {
        case "text":
            try TranslationReading.only(format, [], "response_format", target: target)
            return nil
        case "json_schema":
            try TranslationReading.only(format, ["json_schema"], "response_format", target: target)
            let spec = try TranslationReading.object(format["json_schema"] ?? .null, "response_format.json_schema")
            try TranslationReading.only(spec, ["name", "schema", "strict"], "response_format.json_schema", target: target)
            guard let schema = spec["schema"], case .object = schema else {
                throw TranslationReading.refuse("response_format.json_schema.schema", "Anthropic structured output needs a schema object")
            }
            return ["type": "json_schema", "schema": schema]
        case "json_object":
            throw TranslationReading.refuse("response_format", "Anthropic Messages has no JSON mode without a schema; use json_schema")
        default:
            throw TranslationReading.refuse("response_format", "this response_format has no equivalent in Anthropic Messages")
        }
    }
}
