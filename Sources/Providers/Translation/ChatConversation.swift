import Core

/// Chat `messages` read once into provider-neutral turns, for the upstream formats that take a strict
/// user/assistant alternation of typed parts (Bedrock Converse, Gemini).
///
/// - `system`/`developer` messages are hoisted, in order, into `system` texts (even from the middle);
/// - `tool` messages become `toolResult` parts of a `user` turn; consecutive turns of one role are merged
///   into one turn (both formats require alternation);
/// - images only as base64 `data:` URLs of a type the target takes (neither format fetches URLs);
/// - empty text is left out (it carries nothing, and both formats refuse empty text parts);
/// - refused: author `name`s, `refusal`s, `audio`, legacy `function` messages and `function_call`s,
///   custom tool calls, `prompt_cache_breakpoint`, audio and file parts, image `detail` other than `auto`.
struct ChatConversation {
    enum Role: Equatable { case user, assistant }

    enum Part: Equatable {
        case text(String)
        case image(mediaType: String, base64: String)
        /// `input` is the parsed arguments, always a JSON object.
        case toolCall(id: String, name: String, input: JSONValue)
        /// `name` is the function of the earlier call with this id, when there was one.
        case toolResult(id: String, name: String?, text: String)
    }

    struct Turn: Equatable {
        var role: Role
        var parts: [Part]
    }

    var system: [String] = []
    var turns: [Turn] = []

    /// Whether any turn holds a tool call or a tool result.
    var usesTools: Bool {
        turns.contains { $0.parts.contains { if case .text = $0 { false } else if case .image = $0 { false } else { true } } }
    }

    /// `resultsNeedCalls`: refuse a tool result whose id no earlier tool call has (a target that answers
    /// calls by function name, not by id, must know the name).
    static func read(_ value: JSONValue, target: String, imageTypes: Set<String>,
                     resultsNeedCalls: Bool = false) throws(UntranslatableRequest) -> ChatConversation {
        var reader = Reader(target: target, imageTypes: imageTypes, resultsNeedCalls: resultsNeedCalls)
        for (i, item) in try TranslationReading.array(value, "messages").enumerated() {
            try reader.message(item, "messages[\(i)]")
        }
        return reader.conversation
    }

    private struct Reader {
        let target: String
        let imageTypes: Set<String>
        let resultsNeedCalls: Bool
        var conversation = ChatConversation()
        /// Tool call id -> function name, for the results that answer them.
        var callNames: [String: String] = [:]

        mutating func append(_ role: Role, _ parts: [Part]) {
            guard !parts.isEmpty else { return }
            if conversation.turns.last?.role == role {
                conversation.turns[conversation.turns.count - 1].parts += parts
            } else {
                conversation.turns.append(Turn(role: role, parts: parts))
            }
        }

        mutating func message(_ item: JSONValue, _ place: String) throws(UntranslatableRequest) {
            let message = try TranslationReading.object(item, place)
            if message["name"] != nil, message["name"] != .null, message["role"] != "function" {
                throw TranslationReading.refuse("\(place).name", "\(target) has no author names")
            }
            switch message["role"]?.stringValue {
            case "system", "developer":
                try TranslationReading.only(message, ["role", "content", "name"], place, target: target)
                conversation.system += try texts(message["content"], "\(place).content")
            case "user":
                try TranslationReading.only(message, ["role", "content", "name"], place, target: target)
                append(.user, try userParts(message["content"], "\(place).content"))
            case "assistant":
                append(.assistant, try assistantParts(message, place))
            case "tool":
                try TranslationReading.only(message, ["role", "content", "tool_call_id"], place, target: target)
                let id = try TranslationReading.string(message["tool_call_id"], "\(place).tool_call_id")
                if resultsNeedCalls, callNames[id] == nil {
                    throw TranslationReading.refuse("\(place).tool_call_id", "this tool message answers no earlier tool call")
                }
                let text = try texts(message["content"], "\(place).content").joined()
                append(.user, [.toolResult(id: id, name: callNames[id], text: text)])
            case "function":
                throw TranslationReading.refuse(place, "legacy function messages are not translated to \(target); use tool messages")
            default:
                throw TranslationReading.refuse("\(place).role", "this role has no equivalent in \(target)")
            }
        }

        /// A string or text parts as texts (empty ones left out).
        func texts(_ content: JSONValue?, _ param: String) throws(UntranslatableRequest) -> [String] {
            switch content {
            case .string(let text)?:
                return text.isEmpty ? [] : [text]
            case .array(let parts)?:
                var out: [String] = []
                for (j, part) in parts.enumerated() {
                    let place = "\(param)[\(j)]"
                    let object = try TranslationReading.object(part, place)
                    guard object["type"] == "text" else { throw TranslationReading.refuse(place, "only text parts are accepted here") }
                    out += try text(object, place)
                }
                return out
            default:
                throw TranslationReading.refuse(param, "expected a string or an array of parts")
            }
        }

        func text(_ part: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> [String] {
            if part["prompt_cache_breakpoint"] != nil {
                throw TranslationReading.refuse("\(place).prompt_cache_breakpoint", "OpenAI cache breakpoints are not translated to \(target)")
            }
            try TranslationReading.only(part, ["text"], place, target: target)
            let text = try TranslationReading.string(part["text"], "\(place).text")
            return text.isEmpty ? [] : [text]
        }

        func userParts(_ content: JSONValue?, _ param: String) throws(UntranslatableRequest) -> [Part] {
            guard case .array(let items)? = content else { return try texts(content, param).map { .text($0) } }
            var parts: [Part] = []
            for (j, item) in items.enumerated() {
                let place = "\(param)[\(j)]"
                let object = try TranslationReading.object(item, place)
                switch object["type"]?.stringValue {
                case "text": parts += try text(object, place).map { .text($0) }
                case "image_url": parts.append(try image(object, place))
                case "input_audio": throw TranslationReading.refuse(place, "audio input is not translated to \(target)")
                case "file": throw TranslationReading.refuse(place, "file input is not translated to \(target)")
                default: throw TranslationReading.refuse(place, "this content part has no equivalent in \(target)")
                }
            }
            return parts
        }

        /// `image_url` with a base64 `data:` URL of an accepted type.
        func image(_ part: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> Part {
            if part["prompt_cache_breakpoint"] != nil {
                throw TranslationReading.refuse("\(place).prompt_cache_breakpoint", "OpenAI cache breakpoints are not translated to \(target)")
            }
            try TranslationReading.only(part, ["image_url"], place, target: target)
            let image = try TranslationReading.object(part["image_url"] ?? .null, "\(place).image_url")
            try TranslationReading.only(image, ["url", "detail"], "\(place).image_url", target: target)
            if let detail = image["detail"], detail != .null, detail != "auto" {
                throw TranslationReading.refuse("\(place).image_url.detail", "\(target) has no image detail level; use \"auto\"")
            }
            let url = try TranslationReading.string(image["url"], "\(place).image_url.url")
            guard url.hasPrefix("data:") else {
                throw TranslationReading.refuse("\(place).image_url.url", "\(target) takes images as bytes only; send a base64 data URL")
            }
            let rest = url.dropFirst(5)
            guard let comma = rest.firstIndex(of: ","), rest[..<comma].hasSuffix(";base64") else {
                throw TranslationReading.refuse("\(place).image_url.url", "a data URL must be base64-encoded")
            }
            let mediaType = String(rest[..<comma].dropLast(7)).lowercased()
            guard imageTypes.contains(mediaType) else {
                throw TranslationReading.refuse("\(place).image_url.url", "\(target) does not take this image type")
            }
            return .image(mediaType: mediaType, base64: String(rest[rest.index(after: comma)...]))
        }

        mutating func assistantParts(_ message: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> [Part] {
            var text: [Part] = []
            var calls: [Part] = []
            for key in TranslationReading.keys(message) {
                let value = message[key]!
                if value == .null { continue }
                switch key {
                case "role", "name":
                    continue
                case "content":
                    if case .array(let parts) = value {
                        for (j, part) in parts.enumerated() where part["type"] == "refusal" {
                            throw TranslationReading.refuse("\(place).content[\(j)]", "an earlier refusal cannot be replayed to \(target)")
                        }
                    }
                    text = try texts(value, "\(place).content").map { .text($0) }
                case "refusal":
                    throw TranslationReading.refuse("\(place).refusal", "an earlier refusal cannot be replayed to \(target)")
                case "audio":
                    throw TranslationReading.refuse("\(place).audio", "audio answers are not translated to \(target)")
                case "function_call":
                    throw TranslationReading.refuse("\(place).function_call", "legacy function calls are not translated to \(target); use tool_calls")
                case "tool_calls":
                    for (j, call) in try TranslationReading.array(value, "\(place).tool_calls").enumerated() {
                        calls.append(try toolCall(call, "\(place).tool_calls[\(j)]"))
                    }
                default:
                    throw TranslationReading.refuse("\(place).\(key)", "\(key) has no equivalent in \(target)")
                }
            }
            return text + calls
        }

        mutating func toolCall(_ value: JSONValue, _ place: String) throws(UntranslatableRequest) -> Part {
            let call = try TranslationReading.object(value, place)
            guard call["type"] == "function" else {
                throw TranslationReading.refuse(place, "only function tool calls can be replayed to \(target)")
            }
            try TranslationReading.only(call, ["id", "function"], place, target: target)
            let function = try TranslationReading.object(call["function"] ?? .null, "\(place).function")
            try TranslationReading.only(function, ["name", "arguments"], "\(place).function", target: target)
            let id = try TranslationReading.string(call["id"], "\(place).id")
            let name = try TranslationReading.string(function["name"], "\(place).function.name")
            let arguments = try TranslationReading.string(function["arguments"], "\(place).function.arguments")
            guard let input = TranslationReading.argumentsObject(arguments) else {
                throw TranslationReading.refuse("\(place).function.arguments", "\(target) needs tool arguments that are a JSON object")
            }
            callNames[id] = name
            return .toolCall(id: id, name: name, input: input)
        }
    }
}
