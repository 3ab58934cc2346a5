import Core

/// The chat request fields that translate the same way to each provider-only format (Bedrock Converse,
/// Google generateContent): the output caps, `top_p`, `stop`, the function tools, and the fields that may
/// only ask for what those providers do anyway (`n: 1`, no logprobs, `store: false`, text modality...) or
/// that they have no equivalent for. Each translation reads a field here first and switches over the rest
/// itself — where the two formats differ (messages, temperature range, penalties, seeds, response formats,
/// end-user ids) — refusing what neither knows.
struct ChatCommonFields {
    /// The provider format, as error messages name it.
    let target: String
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var topP: JSONValue?
    var stopSequences: [JSONValue] = []
    var tools = ChatFunctionTools()

    init(target: String) {
        self.target = target
    }

    /// Reads `key` when it is one of the shared fields (throwing when its value cannot be served); false when
    /// it is not one of them, and the translation's own switch decides.
    mutating func read(_ key: String, _ value: JSONValue) throws(UntranslatableRequest) -> Bool {
        switch key {
        case "model", "stream", "stream_options":
            break  // in the URL, or told to the stream translator by the gateway
        case "max_tokens":
            maxTokens = try TranslationReading.positiveInteger(value, key)
        case "max_completion_tokens":
            maxCompletionTokens = try TranslationReading.positiveInteger(value, key)
        case "n":
            guard value.intValue == 1 else { throw TranslationReading.refuse(key, "\(target) is served for one choice; n must be 1") }
        case "top_p":
            guard TranslationReading.number(value) != nil else { throw TranslationReading.refuse(key, "expected a number") }
            topP = value
        case "stop":
            stopSequences = try TranslationReading.stopSequences(value, key)
        case "logprobs":
            guard value == .bool(false) else { throw TranslationReading.refuse(key, "logprobs are not translated from \(target)") }
        case "top_logprobs":
            guard value.intValue == 0 else { throw TranslationReading.refuse(key, "logprobs are not translated from \(target)") }
        case "logit_bias":
            guard value.objectValue?.isEmpty == true else { throw TranslationReading.refuse(key, "\(target) has no logit_bias") }
        case "tools":
            tools.functions = try ChatFunctionTools.functions(value, target: target)
        case "tool_choice":
            tools.choice = try ChatFunctionTools.choice(value, target: target)
        case "parallel_tool_calls":
            guard value == .bool(true) else { throw TranslationReading.refuse(key, "\(target) cannot forbid parallel tool calls") }
        case "functions", "function_call":
            throw TranslationReading.refuse(key, "the legacy \(key) is not translated to \(target); use tools and tool_choice")
        case "store":
            guard value == .bool(false) else { throw TranslationReading.refuse(key, "\(target) does not store completions") }
        case "service_tier":
            guard value == "auto" else { throw TranslationReading.refuse(key, "only service_tier \"auto\" can be served by \(target)") }
        case "modalities":
            guard value == ["text"] else { throw TranslationReading.refuse(key, "\(target) is served for text answers only") }
        case "prediction", "audio", "web_search_options", "reasoning_effort", "verbosity", "metadata",
             "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "moderation":
            throw TranslationReading.refuse(key, "\(key) has no equivalent in \(target)")
        default:
            return false
        }
        return true
    }

    /// The output cap to send: the caller's (`max_completion_tokens` first), else the admitted default.
    func outputCap(default cap: Int) -> Int { maxCompletionTokens ?? maxTokens ?? cap }
}
