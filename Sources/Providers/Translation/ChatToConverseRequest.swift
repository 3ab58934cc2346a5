import Core

/// An OpenAI chat completions caller served by an AWS Bedrock Converse upstream: the request goes down as
/// a `Converse` (or `ConverseStream`) body, the answer (whole or streamed) and errors come back as chat
/// completions.
///
/// Every top-level field of a chat request is read — the ones Converse shares with Google by
/// `ChatCommonFields`, the rest switched over below — and mapped, or refused with `UntranslatableRequest`.
/// A `null` value counts as absent. Deliberate no-ops (mapped to nothing):
/// - `model` and `stream`: Bedrock takes the model id and the choice of `ConverseStream` in the URL;
/// - `stream_options`: the stream translator is told `includeUsage` by the gateway;
/// - `n: 1`, `logprobs: false`, `top_logprobs: 0`, zero penalties, `store: false`, `service_tier: "auto"`,
///   `modalities: ["text"]`, `response_format: {"type":"text"}`, `parallel_tool_calls: true`, an empty
///   `logit_bias`: each asks for what Converse does anyway.
///
/// `tool_choice: "none"` has no Converse equivalent; it is served by sending no `toolConfig` (a model
/// cannot call a tool it is not given), which Converse only accepts when no earlier turn holds a tool call
/// or result — otherwise it is refused. `user`/`safety_identifier` go to `requestMetadata.user_id`.
public enum ChatToConverse {
    static let target = "Bedrock Converse"

    static let imageFormats: [String: String] = ["image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"]

    public static func request(_ chat: JSONValue, defaultMaxTokens: Int) throws(UntranslatableRequest) -> JSONValue {
        let body = try TranslationReading.object(chat, "")
        var out: [String: JSONValue] = [:]
        var inference: [String: JSONValue] = [:]
        var userIDs: [String] = []
        var common = ChatCommonFields(target: target)
        var conversation = ChatConversation()

        for key in TranslationReading.keys(body) {
            let value = body[key]!
            if value == .null { continue }
            if try common.read(key, value) { continue }
            switch key {
            case "messages":
                conversation = try ChatConversation.read(value, target: target, imageTypes: Set(imageFormats.keys))
            case "temperature":
                guard let t = TranslationReading.number(value), t >= 0, t <= 1 else {
                    throw TranslationReading.refuse(key, "Bedrock Converse takes a temperature between 0 and 1")
                }
                inference["temperature"] = value
            case "presence_penalty", "frequency_penalty":
                guard TranslationReading.number(value) == 0 else { throw TranslationReading.refuse(key, "Bedrock Converse has no \(key)") }
            case "response_format":
                let format = try TranslationReading.object(value, key)
                guard format["type"] == "text" else {
                    throw TranslationReading.refuse(key, "Bedrock Converse has no structured output; only response_format text can be served")
                }
                try TranslationReading.only(format, [], key, target: target)
            case "user", "safety_identifier":
                userIDs.append(try TranslationReading.string(value, key))
            case "seed":
                throw TranslationReading.refuse(key, "\(key) has no equivalent in Bedrock Converse")
            default:
                throw TranslationReading.refuse(key, "\(key) is not known to the translation to Bedrock Converse")
            }
        }

        if !conversation.system.isEmpty { out["system"] = .array(conversation.system.map { ["text": .string($0)] }) }
        out["messages"] = .array(conversation.turns.map(message))
        inference["maxTokens"] = .integer(common.outputCap(default: defaultMaxTokens))
        if let topP = common.topP { inference["topP"] = topP }
        if !common.stopSequences.isEmpty { inference["stopSequences"] = .array(common.stopSequences) }
        out["inferenceConfig"] = .object(inference)
        if let first = userIDs.first {
            guard userIDs.allSatisfy({ $0 == first }) else {
                throw TranslationReading.refuse("safety_identifier", "user and safety_identifier differ; Bedrock Converse takes one user id")
            }
            out["requestMetadata"] = ["user_id": .string(first)]
        }
        if let config = try toolConfig(common.tools, usesTools: conversation.usesTools) { out["toolConfig"] = config }
        return .object(out)
    }

    static func message(_ turn: ChatConversation.Turn) -> JSONValue {
        ["role": turn.role == .user ? "user" : "assistant", "content": .array(turn.parts.map(block))]
    }

    static func block(_ part: ChatConversation.Part) -> JSONValue {
        switch part {
        case .text(let text):
            return ["text": .string(text)]
        case .image(let mediaType, let base64):
            return ["image": ["format": .string(imageFormats[mediaType] ?? mediaType), "source": ["bytes": .string(base64)]]]
        case .toolCall(let id, let name, let input):
            return ["toolUse": ["toolUseId": .string(id), "name": .string(name), "input": input]]
        case .toolResult(let id, _, let text):
            // No `status`: chat tool messages carry no error flag, and Converse takes it from Claude models only.
            return ["toolResult": ["toolUseId": .string(id), "content": text.isEmpty ? [] : [["text": .string(text)]]]]
        }
    }

    /// `tools` and `tool_choice` as `toolConfig`; `none` is served by leaving the tools out (see above).
    static func toolConfig(_ tools: ChatFunctionTools, usesTools: Bool) throws(UntranslatableRequest) -> JSONValue? {
        let choice = try tools.checkedChoice(target: target)
        if choice == ChatFunctionTools.Choice.none {
            guard !usesTools else {
                throw TranslationReading.refuse("tool_choice", "Bedrock Converse has no tool_choice none for a conversation that holds tool calls")
            }
            return nil
        }
        guard let functions = tools.functions, !functions.isEmpty else { return nil }
        var config: [String: JSONValue] = [
            "tools": .array(functions.map { function in
                var spec: [String: JSONValue] = ["name": .string(function.name),
                                                 "inputSchema": ["json": .object(function.parameters ?? ["type": "object", "properties": [:]])]]
                if let description = function.description { spec["description"] = .string(description) }
                return ["toolSpec": .object(spec)]
            }),
        ]
        switch choice {
        case .auto?: config["toolChoice"] = ["auto": [:]]
        case .required?: config["toolChoice"] = ["any": [:]]
        case .function(let name)?: config["toolChoice"] = ["tool": ["name": .string(name)]]
        case .none?, nil: break
        }
        return .object(config)
    }
}
