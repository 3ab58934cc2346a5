import Core

/// Chat `messages` as Anthropic `system` blocks and `messages`.
///
/// - `system`/`developer` messages are hoisted, in order, into `system` text blocks (even from the middle);
/// - `tool` (and legacy `function`) messages become `tool_result` blocks of one `user` message (consecutive
///   ones merged); a `user` message right after them is appended to that same `user` message;
/// - legacy `function_call`s get the id `function_call_<message index>`, which the next `function` message
///   of that name answers;
/// - empty text (an assistant message with `content: ""` before its tool calls) is left out: Anthropic
///   refuses empty text blocks and they carry nothing;
/// - `name` (author names), `refusal`, `audio`, custom tool calls and `prompt_cache_breakpoint` are refused.
enum ChatMessagesToAnthropic {
    struct Conversation {
        var system: [JSONValue] = []
        var messages: [JSONValue] = []
    }

    private static let target = ChatToAnthropic.target

    static func translate(_ value: JSONValue) throws(UntranslatableRequest) -> Conversation {
        var conversation = Conversation()
        /// Blocks of the `user` message being built from tool results, if the last message was one.
        var toolResults: [JSONValue]?
        /// Legacy function calls not answered yet: name -> synthesized id.
        var pendingFunctionCalls: [String: String] = [:]

        func flushToolResults() {
            if let blocks = toolResults { conversation.messages.append(["role": "user", "content": .array(blocks)]) }
            toolResults = nil
        }

        for (i, item) in try TranslationReading.array(value, "messages").enumerated() {
            let place = "messages[\(i)]"
            let message = try TranslationReading.object(item, place)
            if message["name"] != nil, message["role"] != "function" {
                throw TranslationReading.refuse("\(place).name", "Anthropic Messages has no author names")
            }
            switch message["role"]?.stringValue {
            case "system", "developer":
                try TranslationReading.only(message, ["role", "content", "name"], place, target: target)
                conversation.system += try textBlocks(message["content"], "\(place).content")
            case "user":
                try TranslationReading.only(message, ["role", "content", "name"], place, target: target)
                let blocks = try userBlocks(message["content"], "\(place).content")
                if toolResults != nil {
                    toolResults! += blocks
                    flushToolResults()
                } else if !blocks.isEmpty {
                    conversation.messages.append(["role": "user", "content": .array(blocks)])
                }
            case "assistant":
                flushToolResults()
                let blocks = try assistantBlocks(message, index: i, pending: &pendingFunctionCalls)
                if !blocks.isEmpty { conversation.messages.append(["role": "assistant", "content": .array(blocks)]) }
            case "tool":
                try TranslationReading.only(message, ["role", "content", "tool_call_id"], place, target: target)
                let id = try TranslationReading.string(message["tool_call_id"], "\(place).tool_call_id")
                toolResults = (toolResults ?? []) + [try toolResult(id: id, message["content"] ?? .null, "\(place).content")]
            case "function":
                try TranslationReading.only(message, ["role", "content", "name"], place, target: target)
                let name = try TranslationReading.string(message["name"], "\(place).name")
                guard let id = pendingFunctionCalls.removeValue(forKey: name) else {
                    throw TranslationReading.refuse(place, "this function message answers no earlier function_call of that name")
                }
                let content = message["content"] == .null ? nil : message["content"]
                toolResults = (toolResults ?? []) + [try toolResult(id: id, content ?? "", "\(place).content")]
            default:
                throw TranslationReading.refuse("\(place).role", "this role has no equivalent in Anthropic Messages")
            }
        }
        flushToolResults()
        return conversation
    }

    /// A string or text parts as text blocks.
    static func textBlocks(_ content: JSONValue?, _ param: String) throws(UntranslatableRequest) -> [JSONValue] {
        switch content {
        case .string(let text)?:
            return text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
        case .array(let parts)?:
            var blocks: [JSONValue] = []
            for (j, part) in parts.enumerated() {
                let place = "\(param)[\(j)]"
                let object = try TranslationReading.object(part, place)
                switch object["type"]?.stringValue {
                case "text": blocks += try text(object, place)
                default: throw TranslationReading.refuse(place, "only text parts are accepted here")
                }
            }
            return blocks
        default:
            throw TranslationReading.refuse(param, "expected a string or an array of parts")
        }
    }

    private static func text(_ part: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> [JSONValue] {
        if part["prompt_cache_breakpoint"] != nil {
            throw TranslationReading.refuse("\(place).prompt_cache_breakpoint", "OpenAI cache breakpoints are not translated to Anthropic cache_control")
        }
        try TranslationReading.only(part, ["text"], place, target: target)
        let text = try TranslationReading.string(part["text"], "\(place).text")
        return text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
    }

    static func userBlocks(_ content: JSONValue?, _ param: String) throws(UntranslatableRequest) -> [JSONValue] {
        guard case .array(let parts)? = content else { return try textBlocks(content, param) }
        var blocks: [JSONValue] = []
        for (j, part) in parts.enumerated() {
            let place = "\(param)[\(j)]"
            let object = try TranslationReading.object(part, place)
            switch object["type"]?.stringValue {
            case "text":
                blocks += try text(object, place)
            case "image_url":
                blocks.append(try image(object, place))
            case "input_audio":
                throw TranslationReading.refuse(place, "audio input is not translated to Anthropic Messages")
            case "file":
                throw TranslationReading.refuse(place, "file input is not translated to Anthropic Messages")
            default:
                throw TranslationReading.refuse(place, "this content part has no equivalent in Anthropic Messages")
            }
        }
        return blocks
    }

    static let imageMediaTypes: Set<String> = ["image/jpeg", "image/png", "image/gif", "image/webp"]

    /// `image_url` as an Anthropic image: a base64 data URL of a supported type, or an http(s) URL.
    private static func image(_ part: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> JSONValue {
        if part["prompt_cache_breakpoint"] != nil {
            throw TranslationReading.refuse("\(place).prompt_cache_breakpoint", "OpenAI cache breakpoints are not translated to Anthropic cache_control")
        }
        try TranslationReading.only(part, ["image_url"], place, target: target)
        let image = try TranslationReading.object(part["image_url"] ?? .null, "\(place).image_url")
        try TranslationReading.only(image, ["url", "detail"], "\(place).image_url", target: target)
        if let detail = image["detail"], detail != .null, detail != "auto" {
            throw TranslationReading.refuse("\(place).image_url.detail", "Anthropic Messages has no image detail level; use \"auto\"")
        }
        let url = try TranslationReading.string(image["url"], "\(place).image_url.url")
        if url.hasPrefix("data:") {
            let rest = url.dropFirst(5)
            guard let comma = rest.firstIndex(of: ","), rest[..<comma].hasSuffix(";base64") else {
                throw TranslationReading.refuse("\(place).image_url.url", "a data URL must be base64-encoded")
            }
            let mediaType = String(rest[..<comma].dropLast(7)).lowercased()
            guard imageMediaTypes.contains(mediaType) else {
                throw TranslationReading.refuse("\(place).image_url.url", "Anthropic Messages takes JPEG, PNG, GIF or WebP images")
            }
            return ["type": "image", "source": ["type": "base64", "media_type": .string(mediaType), "data": .string(String(rest[rest.index(after: comma)...]))]]
        }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            throw TranslationReading.refuse("\(place).image_url.url", "an image must be an http(s) URL or a base64 data URL")
        }
        return ["type": "image", "source": ["type": "url", "url": .string(url)]]
    }

    private static func toolResult(id: String, _ content: JSONValue, _ param: String) throws(UntranslatableRequest) -> JSONValue {
        var block: [String: JSONValue] = ["type": "tool_result", "tool_use_id": .string(id)]
        switch content {
        case .string: block["content"] = content
        default: block["content"] = .array(try textBlocks(content, param))
        }
        return .object(block)
    }

    private static func assistantBlocks(_ message: [String: JSONValue], index i: Int, pending: inout [String: String]) throws(UntranslatableRequest) -> [JSONValue] {
        let place = "messages[\(i)]"
        var blocks: [JSONValue] = []
        for key in TranslationReading.keys(message) {
            let value = message[key]!
            switch key {
            case "role", "name": continue
            case "content":
                if value == .null { continue }
                if case .array(let parts) = value {
                    for (j, part) in parts.enumerated() where part["type"] == "refusal" {
                        throw TranslationReading.refuse("\(place).content[\(j)]", "an earlier refusal cannot be replayed to Anthropic Messages")
                    }
                }
                blocks = try textBlocks(value, "\(place).content") + blocks
            case "refusal":
                if value == .null { continue }
                throw TranslationReading.refuse("\(place).refusal", "an earlier refusal cannot be replayed to Anthropic Messages")
            case "audio":
                if value == .null { continue }
                throw TranslationReading.refuse("\(place).audio", "audio answers are not translated to Anthropic Messages")
            case "tool_calls":
                if value == .null { continue }
                for (j, call) in try TranslationReading.array(value, "\(place).tool_calls").enumerated() {
                    blocks.append(try toolUse(call, "\(place).tool_calls[\(j)]"))
                }
            case "function_call":
                if value == .null { continue }
                let call = try TranslationReading.object(value, "\(place).function_call")
                let name = try TranslationReading.string(call["name"], "\(place).function_call.name")
                let id = "function_call_\(i)"
                pending[name] = id
                blocks.append(["type": "tool_use", "id": .string(id), "name": .string(name),
                               "input": try input(call["arguments"], "\(place).function_call.arguments")])
            default:
                throw TranslationReading.refuse("\(place).\(key)", "\(key) has no equivalent in Anthropic Messages")
            }
        }
        return blocks
    }

    private static func toolUse(_ value: JSONValue, _ place: String) throws(UntranslatableRequest) -> JSONValue {
        let call = try TranslationReading.object(value, place)
        switch call["type"]?.stringValue {
        case "function":
            try TranslationReading.only(call, ["id", "function"], place, target: target)
            let function = try TranslationReading.object(call["function"] ?? .null, "\(place).function")
            try TranslationReading.only(function, ["name", "arguments"], "\(place).function", target: target)
            return ["type": "tool_use",
                    "id": .string(try TranslationReading.string(call["id"], "\(place).id")),
                    "name": .string(try TranslationReading.string(function["name"], "\(place).function.name")),
                    "input": try input(function["arguments"], "\(place).function.arguments")]
        case "custom":
            throw TranslationReading.refuse(place, "custom tool calls have no equivalent in Anthropic Messages")
        default:
            throw TranslationReading.refuse(place, "this tool call type has no equivalent in Anthropic Messages")
        }
    }

    private static func input(_ arguments: JSONValue?, _ param: String) throws(UntranslatableRequest) -> JSONValue {
        let text = try TranslationReading.string(arguments, param)
        guard let object = TranslationReading.argumentsObject(text) else {
            throw TranslationReading.refuse(param, "Anthropic Messages needs tool arguments that are a JSON object")
        }
        return object
    }
}
