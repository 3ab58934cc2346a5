import Core

/// Anthropic `system` and `messages` as chat messages.
///
/// - `system` (string or text blocks) becomes the first `system` message; a `system` message inside
///   `messages` stays a `system` message in place;
/// - a `user` message's `tool_result` blocks become `tool` messages, in order, before a `user` message with
///   the rest of its content. A tool result's content is a string (its text blocks joined with "\n");
///   `is_error: true` prefixes it with "Error: " (chat has no error flag on tool results);
/// - `document` with a text source is a text part (title, then context, then the text, one per line); with a
///   `content` source, its text and image parts; PDF and file sources are refused;
/// - `search_result` is a text part: title, source, then its text blocks, one per line;
/// - an `assistant` message's text blocks become its content, `tool_use` its function `tool_calls`;
/// - a final `assistant` message (prefill, continued by Anthropic) is refused: chat models answer after it;
/// - thinking, redacted thinking, server tool blocks, file sources and citations are refused.
enum AnthropicMessagesToChat {
    private static let target = AnthropicToChat.target
    private static let serverBlocks: Set<String> = [
        "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
        "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "tool_search_tool_result",
        "container_upload", "mcp_tool_use", "mcp_tool_result", "tool_reference", "browser_state",
    ]

    static func translate(_ value: JSONValue) throws(UntranslatableRequest) -> [JSONValue] {
        let messages = try TranslationReading.array(value, "messages")
        var out: [JSONValue] = []
        for (i, item) in messages.enumerated() {
            let place = "messages[\(i)]"
            let message = try TranslationReading.object(item, place)
            try TranslationReading.only(message, ["role", "content"], place, target: target)
            switch message["role"]?.stringValue {
            case "system":
                out.append(try systemMessage(message["content"] ?? .null, param: "\(place).content"))
            case "user":
                out += try user(message["content"], "\(place).content")
            case "assistant":
                guard i < messages.count - 1 else {
                    throw TranslationReading.refuse(place, "a final assistant message (prefill) has no equivalent in OpenAI chat completions")
                }
                out.append(try assistant(message["content"], "\(place).content"))
            default:
                throw TranslationReading.refuse("\(place).role", "this role has no equivalent in OpenAI chat completions")
            }
        }
        return out
    }

    static func systemMessage(_ value: JSONValue, param: String) throws(UntranslatableRequest) -> JSONValue {
        if case .string = value { return ["role": "system", "content": value] }
        var parts: [JSONValue] = []
        for (j, block) in try TranslationReading.array(value, param).enumerated() {
            let place = "\(param)[\(j)]"
            let object = try TranslationReading.object(block, place)
            guard object["type"] == "text" else { throw TranslationReading.refuse(place, "only text blocks are accepted here") }
            parts.append(textPart(try text(object, place)))
        }
        return ["role": "system", "content": .array(parts)]
    }

    private static func textPart(_ text: String) -> JSONValue { ["type": "text", "text": .string(text)] }

    /// The text of a text block (`cache_control` a no-op; citations refused).
    private static func text(_ block: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> String {
        try TranslationReading.only(block, ["text", "cache_control", "citations"], place, target: target)
        if let citations = block["citations"], citations != .null, citations != [] {
            throw TranslationReading.refuse("\(place).citations", "citations have no equivalent in OpenAI chat completions")
        }
        return try TranslationReading.string(block["text"], "\(place).text")
    }

    private static func user(_ content: JSONValue?, _ param: String) throws(UntranslatableRequest) -> [JSONValue] {
        if case .string? = content { return [["role": "user", "content": content!]] }
        var toolMessages: [JSONValue] = []
        var parts: [JSONValue] = []
        for (j, block) in try TranslationReading.array(content ?? .null, param).enumerated() {
            let place = "\(param)[\(j)]"
            let object = try TranslationReading.object(block, place)
            switch object["type"]?.stringValue {
            case "tool_result":
                toolMessages.append(try toolResult(object, place))
            default:
                parts += try userPart(object, place)
            }
        }
        if !parts.isEmpty { toolMessages.append(["role": "user", "content": .array(parts)]) }
        return toolMessages
    }

    private static func userPart(_ object: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> [JSONValue] {
        switch object["type"]?.stringValue {
        case "text":
            return [textPart(try text(object, place))]
        case "image":
            return [try image(object, place)]
        case "document":
            return try document(object, place)
        case "search_result":
            return [textPart(try searchResult(object, place))]
        case "thinking", "redacted_thinking":
            throw TranslationReading.refuse(place, "thinking cannot be sent to an OpenAI-format model")
        case "tool_use":
            throw TranslationReading.refuse(place, "a tool_use block belongs to an assistant message")
        case let type? where serverBlocks.contains(type):
            throw TranslationReading.refuse(place, "server tool blocks cannot be sent to an OpenAI-format model")
        default:
            throw TranslationReading.refuse(place, "this content block has no equivalent in OpenAI chat completions")
        }
    }

    private static func image(_ block: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> JSONValue {
        try TranslationReading.only(block, ["source", "cache_control", "transformations"], place, target: target)
        if let transformations = block["transformations"], transformations != .null, transformations != .object([:]) {
            throw TranslationReading.refuse("\(place).transformations", "image transformations have no equivalent in OpenAI chat completions")
        }
        let source = try TranslationReading.object(block["source"] ?? .null, "\(place).source")
        switch source["type"]?.stringValue {
        case "base64":
            try TranslationReading.only(source, ["media_type", "data"], "\(place).source", target: target)
            let mediaType = try TranslationReading.string(source["media_type"], "\(place).source.media_type")
            let data = try TranslationReading.string(source["data"], "\(place).source.data")
            return ["type": "image_url", "image_url": ["url": .string("data:\(mediaType);base64,\(data)")]]
        case "url":
            try TranslationReading.only(source, ["url"], "\(place).source", target: target)
            return ["type": "image_url", "image_url": ["url": .string(try TranslationReading.string(source["url"], "\(place).source.url"))]]
        default:
            throw TranslationReading.refuse("\(place).source", "only base64 and URL images can be sent to an OpenAI-format model")
        }
    }

    private static func document(_ block: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> [JSONValue] {
        try TranslationReading.only(block, ["source", "title", "context", "citations", "cache_control"], place, target: target)
        if block["citations"]?["enabled"] == .bool(true) {
            throw TranslationReading.refuse("\(place).citations", "citations have no equivalent in OpenAI chat completions")
        }
        let source = try TranslationReading.object(block["source"] ?? .null, "\(place).source")
        switch source["type"]?.stringValue {
        case "text":
            try TranslationReading.only(source, ["data", "media_type"], "\(place).source", target: target)
            var lines: [String] = []
            for key in ["title", "context"] {
                if let line = block[key], line != .null { lines.append(try TranslationReading.string(line, "\(place).\(key)")) }
            }
            lines.append(try TranslationReading.string(source["data"], "\(place).source.data"))
            return [textPart(lines.joined(separator: "\n"))]
        case "content":
            try TranslationReading.only(source, ["content"], "\(place).source", target: target)
            if block["title"] != nil || block["context"] != nil {
                throw TranslationReading.refuse("\(place).title", "a title or context on a content document is not translated")
            }
            let content = source["content"] ?? .null
            if case .string(let text) = content { return [textPart(text)] }
            var parts: [JSONValue] = []
            for (k, inner) in try TranslationReading.array(content, "\(place).source.content").enumerated() {
                let innerPlace = "\(place).source.content[\(k)]"
                let object = try TranslationReading.object(inner, innerPlace)
                switch object["type"]?.stringValue {
                case "text": parts.append(textPart(try text(object, innerPlace)))
                case "image": parts.append(try image(object, innerPlace))
                default: throw TranslationReading.refuse(innerPlace, "only text and image blocks are accepted here")
                }
            }
            return parts
        default:
            throw TranslationReading.refuse("\(place).source", "PDF and file documents cannot be sent to an OpenAI-format model")
        }
    }

    private static func searchResult(_ block: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> String {
        try TranslationReading.only(block, ["title", "source", "content", "citations", "cache_control"], place, target: target)
        if block["citations"]?["enabled"] == .bool(true) {
            throw TranslationReading.refuse("\(place).citations", "citations have no equivalent in OpenAI chat completions")
        }
        var lines = [try TranslationReading.string(block["title"], "\(place).title"), try TranslationReading.string(block["source"], "\(place).source")]
        for (k, inner) in try TranslationReading.array(block["content"] ?? .null, "\(place).content").enumerated() {
            let innerPlace = "\(place).content[\(k)]"
            let object = try TranslationReading.object(inner, innerPlace)
            guard object["type"] == "text" else { throw TranslationReading.refuse(innerPlace, "only text blocks are accepted here") }
            lines.append(try text(object, innerPlace))
        }
        return lines.joined(separator: "\n")
    }

    private static func toolResult(_ block: [String: JSONValue], _ place: String) throws(UntranslatableRequest) -> JSONValue {
        try TranslationReading.only(block, ["tool_use_id", "content", "is_error", "cache_control"], place, target: target)
        let id = try TranslationReading.string(block["tool_use_id"], "\(place).tool_use_id")
        var content = ""
        switch block["content"] {
        case nil, .null?: break
        case .string(let text)?: content = text
        case .array(let inner)?:
            var texts: [String] = []
            for (k, item) in inner.enumerated() {
                let innerPlace = "\(place).content[\(k)]"
                let object = try TranslationReading.object(item, innerPlace)
                switch object["type"]?.stringValue {
                case "text": texts.append(try text(object, innerPlace))
                case "search_result": texts.append(try searchResult(object, innerPlace))
                case "image": throw TranslationReading.refuse(innerPlace, "images in tool results cannot be sent to an OpenAI-format model")
                default: throw TranslationReading.refuse(innerPlace, "this tool result block has no equivalent in OpenAI chat completions")
                }
            }
            content = texts.joined(separator: "\n")
        default:
            throw TranslationReading.refuse("\(place).content", "expected a string or an array of blocks")
        }
        if block["is_error"] == .bool(true) { content = "Error: " + content }
        return ["role": "tool", "tool_call_id": .string(id), "content": .string(content)]
    }

    private static func assistant(_ content: JSONValue?, _ param: String) throws(UntranslatableRequest) -> JSONValue {
        if case .string? = content { return ["role": "assistant", "content": content!] }
        var parts: [JSONValue] = []
        var calls: [JSONValue] = []
        for (j, block) in try TranslationReading.array(content ?? .null, param).enumerated() {
            let place = "\(param)[\(j)]"
            let object = try TranslationReading.object(block, place)
            switch object["type"]?.stringValue {
            case "text":
                parts.append(textPart(try text(object, place)))
            case "tool_use":
                try TranslationReading.only(object, ["id", "name", "input", "cache_control", "caller"], place, target: target)
                if let caller = object["caller"], caller != .null, caller["type"] != "direct" {
                    throw TranslationReading.refuse("\(place).caller", "calls made by a server tool cannot be sent to an OpenAI-format model")
                }
                let input = try TranslationReading.object(object["input"] ?? .null, "\(place).input")
                calls.append(["id": .string(try TranslationReading.string(object["id"], "\(place).id")), "type": "function",
                              "function": ["name": .string(try TranslationReading.string(object["name"], "\(place).name")),
                                           "arguments": .string(String(decoding: JSONValue.object(input).serialized(), as: UTF8.self))]])
            case "thinking", "redacted_thinking":
                throw TranslationReading.refuse(place, "thinking cannot be sent to an OpenAI-format model")
            case let type? where serverBlocks.contains(type):
                throw TranslationReading.refuse(place, "server tool blocks cannot be sent to an OpenAI-format model")
            default:
                throw TranslationReading.refuse(place, "this content block has no equivalent in OpenAI chat completions")
            }
        }
        var message: [String: JSONValue] = ["role": "assistant", "content": parts.isEmpty ? .null : .array(parts)]
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        return .object(message)
    }
}
