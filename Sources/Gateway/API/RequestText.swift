import Core

/// The text of a request the model will read, wherever an API puts it: content parts of both OpenAI
/// APIs, tool and function definitions (descriptions and JSON-schema parameters), structured-output
/// schemas, and string leaves of items the gateway has no special case for. What cannot be inspected
/// (files, audio, unknown part types) is refused with a 400 naming the place, never forwarded unread.
///
/// Locations use the `AIMessage.location` syntax: `messages[1].content[0].text`, and keys that are not
/// plain names as JSON strings in brackets (`properties["e-mail"]`), so obligations can rewrite exactly
/// that string.
enum RequestText {
    /// Part types whose `text` is text, per API.
    static let textParts: Set<String> = ["text", "input_text", "output_text"]

    /// One content part (`messages[i].content[j]`, `input[i].content[j]`, tool output parts).
    static func part(_ part: JSONValue, at path: String, role: AIMessage.Role) throws(GatewayError) -> [AIMessage] {
        guard case .object = part else { throw RequestUnderstanding.fieldError(path, part, expected: "a content part object") }
        guard case .string(let type)? = part["type"] else {
            throw RequestUnderstanding.fieldError("\(path).type", part["type"], expected: "a string")
        }
        switch type {
        case _ where textParts.contains(type):
            return [try string(part, "text", at: path, role: role)]
        case "refusal":
            return [try string(part, "refusal", at: path, role: role)]
        case "image_url":
            // The picture itself is not inspected (no OCR); a linked URL is text that reaches the provider.
            guard case .string(let url)? = part["image_url"]?["url"] ?? part["image_url"] else {
                throw RequestUnderstanding.fieldError("\(path).image_url.url", part["image_url"]?["url"], expected: "a string")
            }
            let urlPath = part["image_url"]?["url"] != nil ? "\(path).image_url.url" : "\(path).image_url"
            return url.hasPrefix("data:") ? [] : [AIMessage(role: role, text: url, location: urlPath)]
        case "input_image":
            if case .string(let url)? = part["image_url"], !url.hasPrefix("data:") {
                return [AIMessage(role: role, text: url, location: "\(path).image_url")]
            }
            return []
        case "file", "input_file", "input_audio", "audio":
            throw uninspectable(path, what: "'\(type)' parts (file and audio content)")
        default:
            throw uninspectable(path, what: "content parts of type '\(type)'")
        }
    }

    /// Every string under `value` (JSON-schema parameters, unknown items), except the keys in `skipping`
    /// (identifiers and opaque values: `type`, `id`, `call_id`...).
    static func leaves(_ value: JSONValue, at path: String, role: AIMessage.Role, skipping: Set<String> = structuralKeys) -> [AIMessage] {
        var out: [AIMessage] = []
        func walk(_ v: JSONValue, _ p: String) {
            switch v {
            case .string(let s) where !s.isEmpty:
                // Embedded pictures (screenshots) are images, as in `image_url` parts: not text.
                if !s.hasPrefix("data:image/") { out.append(AIMessage(role: role, text: s, location: p)) }
            case .array(let a): for (i, e) in a.enumerated() { walk(e, "\(p)[\(i)]") }
            case .object(let o):
                for (k, e) in o.sorted(by: { $0.key < $1.key }) where !skipping.contains(k) { walk(e, p + step(k)) }
            default: break
            }
        }
        walk(value, path)
        return out
    }

    /// Keys whose values are identifiers, enums of the API or opaque data, not text for the model.
    static let structuralKeys: Set<String> = [
        "type", "id", "call_id", "item_id", "status", "role", "encrypted_content", "approval_request_id", "server_label",
        "file_id", "detail", "format",
    ]

    /// Tool and function definitions: description and every string of the parameter schema.
    static func toolDefinitions(_ json: JSONValue, key: String, nested: String?) -> [AIMessage] {
        var out: [AIMessage] = []
        for (i, tool) in (json[key]?.arrayValue ?? []).enumerated() {
            let base = "\(key)[\(i)]" + (nested.map { "." + $0 } ?? "")
            let definition = nested.flatMap { tool[$0] } ?? tool
            if case .string(let d)? = definition["description"], !d.isEmpty {
                out.append(AIMessage(role: .system, text: d, location: base + ".description"))
            }
            if let parameters = definition["parameters"] {
                out += leaves(parameters, at: base + ".parameters", role: .system, skipping: ["type", "format", "$ref", "$schema"])
            }
        }
        return out
    }

    static func string(_ part: JSONValue, _ key: String, at path: String, role: AIMessage.Role) throws(GatewayError) -> AIMessage {
        guard case .string(let s)? = part[key] else {
            throw RequestUnderstanding.fieldError("\(path).\(key)", part[key], expected: "a string")
        }
        return AIMessage(role: role, text: s, location: "\(path).\(key)")
    }

    static func uninspectable(_ path: String, what: String) -> GatewayError {
        .invalidRequest(
            message: "'\(path)': \(what) cannot be inspected by the gateway's data guardrails and are not forwarded; send the content as text.",
            param: path)
    }

    /// A key as a location step: `.name`, or `["any key"]` (JSON string) when it is not a plain name.
    static func step(_ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        return plain ? "." + key : "[" + String(decoding: JSONValue.string(key).serialized(), as: UTF8.self) + "]"
    }
}
