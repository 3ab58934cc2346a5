import Core

/// An OpenAI chat completions caller served by a Google `generateContent` upstream (the Gemini API and
/// Vertex AI take the same JSON): the request goes down as a `GenerateContentRequest`, the answer (whole or
/// streamed as `streamGenerateContent?alt=sse`) and errors come back as chat completions.
///
/// Every top-level field of a chat request is read — the ones Google shares with Converse by
/// `ChatCommonFields`, the rest switched over below — and mapped, or refused with `UntranslatableRequest`.
/// A `null` value counts as absent. Deliberate no-ops (mapped to nothing):
/// - `model`, `stream`: Google takes the model and the streaming method in the URL;
/// - `stream_options`: the stream translator is told `includeUsage` by the gateway;
/// - `n: 1`, `logprobs: false`, `top_logprobs: 0`, `store: false`, `service_tier: "auto"`,
///   `modalities: ["text"]`, `response_format: {"type":"text"}`, `parallel_tool_calls: true`, an empty
///   `logit_bias`: each asks for what Gemini does anyway.
///
/// Schemas are sent as JSON Schema (`parametersJsonSchema`, `responseJsonSchema`), not as the OpenAPI
/// subset of `parameters`/`responseSchema`, so a caller's schema keeps its meaning. A tool message is
/// answered by function name (Gemini has no call ids): its `tool_call_id` must name an earlier tool call.
/// Refused because Gemini has no equivalent: an end-user id (`user`, `safety_identifier`), `logprobs`.
public enum ChatToGemini {
    static let target = "Gemini"

    static let imageTypes: Set<String> = ["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"]

    public static func request(_ chat: JSONValue, defaultMaxTokens: Int) throws(UntranslatableRequest) -> JSONValue {
        let body = try TranslationReading.object(chat, "")
        var out: [String: JSONValue] = [:]
        var generation: [String: JSONValue] = [:]
        var common = ChatCommonFields(target: target)
        var conversation = ChatConversation()

        for key in TranslationReading.keys(body) {
            let value = body[key]!
            if value == .null { continue }
            if try common.read(key, value) { continue }
            switch key {
            case "messages":
                conversation = try ChatConversation.read(value, target: target, imageTypes: imageTypes, resultsNeedCalls: true)
            case "temperature":
                guard let t = TranslationReading.number(value), t >= 0, t <= 2 else {
                    throw TranslationReading.refuse(key, "Gemini takes a temperature between 0 and 2")
                }
                generation["temperature"] = value
            case "presence_penalty", "frequency_penalty":
                guard TranslationReading.number(value) != nil else { throw TranslationReading.refuse(key, "expected a number") }
                if TranslationReading.number(value) != 0 { generation[key == "presence_penalty" ? "presencePenalty" : "frequencyPenalty"] = value }
            case "seed":
                guard value.intValue != nil else { throw TranslationReading.refuse(key, "expected an integer") }
                generation["seed"] = value
            case "response_format":
                for (name, setting) in try responseFormat(value) { generation[name] = setting }
            case "user", "safety_identifier":
                throw TranslationReading.refuse(key, "\(key) has no equivalent in Gemini")
            default:
                throw TranslationReading.refuse(key, "\(key) is not known to the translation to Gemini")
            }
        }

        if !conversation.system.isEmpty {
            out["systemInstruction"] = ["parts": .array(conversation.system.map { ["text": .string($0)] })]
        }
        out["contents"] = .array(conversation.turns.map(content))
        generation["maxOutputTokens"] = .integer(common.outputCap(default: defaultMaxTokens))
        if let topP = common.topP { generation["topP"] = topP }
        if !common.stopSequences.isEmpty { generation["stopSequences"] = .array(common.stopSequences) }
        out["generationConfig"] = .object(generation)
        let choice = try common.tools.checkedChoice(target: target)
        if let functions = common.tools.functions, !functions.isEmpty {
            out["tools"] = [["functionDeclarations": .array(functions.map(declaration))]]
            if let choice { out["toolConfig"] = ["functionCallingConfig": functionCalling(choice)] }
        }
        return .object(out)
    }

    static func content(_ turn: ChatConversation.Turn) -> JSONValue {
        ["role": turn.role == .user ? "user" : "model", "parts": .array(turn.parts.map(part))]
    }

    static func part(_ part: ChatConversation.Part) -> JSONValue {
        switch part {
        case .text(let text):
            return ["text": .string(text)]
        case .image(let mediaType, let base64):
            return ["inlineData": ["mimeType": .string(mediaType), "data": .string(base64)]]
        case .toolCall(_, let name, let input):
            return ["functionCall": ["name": .string(name), "args": input]]
        case .toolResult(_, let name, let text):
            // A JSON object result is the response itself; any other text is wrapped.
            let parsed = try? JSONParser.parse(Array(text.utf8))
            let response: JSONValue = if case .object? = parsed { parsed! } else { ["content": .string(text)] }
            return ["functionResponse": ["name": .string(name ?? ""), "response": response]]
        }
    }

    static func declaration(_ function: ChatFunctionTools.Function) -> JSONValue {
        var declaration: [String: JSONValue] = ["name": .string(function.name)]
        if let description = function.description { declaration["description"] = .string(description) }
        if let parameters = function.parameters { declaration["parametersJsonSchema"] = .object(parameters) }
        return .object(declaration)
    }

    static func functionCalling(_ choice: ChatFunctionTools.Choice) -> JSONValue {
        switch choice {
        case .none: ["mode": "NONE"]
        case .auto: ["mode": "AUTO"]
        case .required: ["mode": "ANY"]
        case .function(let name): ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
        }
    }

    /// `text` maps to nothing, `json_object` to JSON mode, `json_schema` to JSON mode constrained by the
    /// schema (`responseJsonSchema`); the schema's `name` and `strict` carry nothing Gemini needs.
    private static func responseFormat(_ value: JSONValue) throws(UntranslatableRequest) -> [String: JSONValue] {
        let format = try TranslationReading.object(value, "response_format")
        switch format["type"]?.stringValue {
        case "text":
            try TranslationReading.only(format, [], "response_format", target: target)
            return [:]
        case "json_object":
            try TranslationReading.only(format, [], "response_format", target: target)
            return ["responseMimeType": "application/json"]
        case "json_schema":
            try TranslationReading.only(format, ["json_schema"], "response_format", target: target)
            let spec = try TranslationReading.object(format["json_schema"] ?? .null, "response_format.json_schema")
            try TranslationReading.only(spec, ["name", "schema", "strict"], "response_format.json_schema", target: target)
            guard let schema = spec["schema"], case .object = schema else {
                throw TranslationReading.refuse("response_format.json_schema.schema", "Gemini structured output needs a schema object")
            }
            return ["responseMimeType": "application/json", "responseJsonSchema": schema]
        default:
            throw TranslationReading.refuse("response_format", "this response_format has no equivalent in Gemini")
        }
    }
}
