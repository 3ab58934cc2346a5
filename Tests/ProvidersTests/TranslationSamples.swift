import Core
import Providers
import Testing

/// Parses a JSON literal written in a test.
func json(_ text: String) -> JSONValue {
    do { return try JSONParser.parse(Array(text.utf8)) } catch { fatalError("bad JSON in a test: \(text)") }
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A minimal chat request with `extra` members merged in.
func chatRequest(_ extra: [String: JSONValue] = [:]) -> JSONValue {
    var body: [String: JSONValue] = ["model": "claude-x", "messages": [["role": "user", "content": "hi"]]]
    for (k, v) in extra { body[k] = v }
    return .object(body)
}

/// A minimal Anthropic request with `extra` members merged in.
func anthropicRequest(_ extra: [String: JSONValue] = [:]) -> JSONValue {
    var body: [String: JSONValue] = ["model": "gpt-x", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]
    for (k, v) in extra { body[k] = v }
    return .object(body)
}

func chatRefusal(_ body: JSONValue) -> UntranslatableRequest? {
    do { _ = try ChatToAnthropic.request(body, defaultMaxTokens: 4096); return nil } catch { return error }
}

func anthropicRefusal(_ body: JSONValue) -> UntranslatableRequest? {
    do { _ = try AnthropicToChat.request(body); return nil } catch { return error }
}

/// Parsed data of the events (`[DONE]` as the string "[DONE]").
func parsed(_ events: [WireEvent]) -> [JSONValue] {
    events.map { event in
        if event.data == Array("[DONE]".utf8) { return "[DONE]" }
        return json(text(event.data))
    }
}

func sse(_ value: JSONValue) -> [UInt8] { value.serialized() }
