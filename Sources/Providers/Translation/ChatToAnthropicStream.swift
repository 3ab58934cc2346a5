import Core

extension ChatToAnthropic {
    /// Anthropic stream events as `chat.completion.chunk`s, event by event.
    ///
    /// `message_start` opens with a role chunk; text, `tool_use` (arguments streamed as `input_json_delta`)
    /// and thinking (`reasoning_content`) become deltas; `message_delta` a finish-reason chunk;
    /// `message_stop` a usage-only chunk (`choices: []`) and `[DONE]`. Dropped and named: signatures,
    /// citations, `redacted_thinking` and server tool blocks, unknown event or delta types. An `error`
    /// event becomes an OpenAI error chunk without `[DONE]`. Everything owed is sent when `message_stop`
    /// arrives, so `finish()` has nothing to add — and a cut stream never gets an end.
    public struct StreamTranslator: Sendable {
        public private(set) var dropped: [String] = []
        public private(set) var failure: UntranslatableAnswer?

        private var id: JSONValue = .null
        private var model: JSONValue = .null
        private let created = ChatToAnthropic.now()
        private var started = false
        private var ended = false
        /// Anthropic block index -> chat tool call index, for tool_use blocks.
        private var toolCallOfBlock: [Int: Int] = [:]
        private var textBlocks: Set<Int> = []
        private var thinkingBlocks: Set<Int> = []
        private var toolCalls = 0
        private var usage: [String: JSONValue] = [:]

        public init() {}

        public mutating func translate(name: String?, data: [UInt8]) -> [WireEvent] {
            guard failure == nil, !ended else { return [] }
            guard let event = try? JSONParser.parse(data), case .object = event else { return [WireEvent(name: name, data: data)] }
            return translate(name: name, event: event)
        }

        /// One event already parsed (and read against the Messages declaration) by the caller.
        public mutating func translate(name: String?, event: JSONValue) -> [WireEvent] {
            guard failure == nil, !ended else { return [] }
            let type = event["type"]?.stringValue ?? name ?? ""
            if type != "message_start", type != "error", type != "ping", !started {
                return fail("\(type) before message_start")
            }
            switch type {
            case "message_start":
                guard !started else { return fail("a second message_start") }
                started = true
                let message = event["message"] ?? .null
                id = message["id"] ?? .null
                model = message["model"] ?? .null
                remember(message["usage"])
                return [chunk(["role": "assistant", "content": ""])]
            case "content_block_start":
                return blockStart(event)
            case "content_block_delta":
                return blockDelta(event)
            case "content_block_stop", "ping":
                return []
            case "message_delta":
                remember(event["usage"])
                return [chunk([:], finishReason: ChatToAnthropic.finishReason(event["delta"]?["stop_reason"], &dropped))]
            case "message_stop":
                ended = true
                var last = base()
                last["choices"] = []
                last["usage"] = ChatToAnthropic.usage(.object(usage))
                return [.json(.object(last)), .done]
            case "error":
                ended = true
                let error = event["error"] ?? .null
                let (kind, code) = ErrorBodies.openAIType(anthropic: error["type"]?.stringValue)
                return [.json(["error": ["message": error["message"] ?? "the upstream stream failed", "type": .string(kind),
                                         "param": nil, "code": code.map { .string($0) } ?? .null]])]
            default:
                ChatToAnthropic.note("event.\(type)", &dropped)
                return []
            }
        }

        /// Nothing: `message_stop` already sent the end, and a stream cut before it must not look complete.
        public mutating func finish() -> [WireEvent] { [] }

        private mutating func blockStart(_ event: JSONValue) -> [WireEvent] {
            guard let index = event["index"]?.intValue, let block = event["content_block"] else { return fail("content_block_start without index") }
            switch block["type"]?.stringValue {
            case "text":
                textBlocks.insert(index)
                if let text = block["text"]?.stringValue, !text.isEmpty { return [chunk(["content": .string(text)])] }
                return []
            case "thinking":
                thinkingBlocks.insert(index)
                if let text = block["thinking"]?.stringValue, !text.isEmpty { return [chunk(["reasoning_content": .string(text)])] }
                return []
            case "tool_use":
                guard let callID = block["id"]?.stringValue, let name = block["name"]?.stringValue else { return fail("tool_use without id or name") }
                let k = toolCalls
                toolCalls += 1
                toolCallOfBlock[index] = k
                var arguments = ""
                if let input = block["input"], input != .null, input != .object([:]) {
                    guard case .object = input else { return fail("tool_use input is not an object") }
                    arguments = String(decoding: input.serialized(), as: UTF8.self)
                }
                return [chunk(["tool_calls": [["index": .integer(k), "id": .string(callID), "type": "function",
                                               "function": ["name": .string(name), "arguments": .string(arguments)]]]])]
            case let other:
                ChatToAnthropic.note(other ?? "content block without type", &dropped)
                return []
            }
        }

        private mutating func blockDelta(_ event: JSONValue) -> [WireEvent] {
            guard let index = event["index"]?.intValue, let delta = event["delta"] else { return fail("content_block_delta without index") }
            switch delta["type"]?.stringValue {
            case "text_delta":
                guard textBlocks.contains(index) else { return fail("text_delta outside a text block") }
                return [chunk(["content": delta["text"] ?? ""])]
            case "input_json_delta":
                guard let k = toolCallOfBlock[index] else { return fail("input_json_delta outside a tool_use block") }
                return [chunk(["tool_calls": [["index": .integer(k), "function": ["arguments": delta["partial_json"] ?? ""]]]])]
            case "thinking_delta":
                guard thinkingBlocks.contains(index) else { return fail("thinking_delta outside a thinking block") }
                return [chunk(["reasoning_content": delta["thinking"] ?? ""])]
            case "signature_delta":
                ChatToAnthropic.note("thinking.signature", &dropped)
                return []
            case "citations_delta":
                ChatToAnthropic.note("citations", &dropped)
                return []
            case let other:
                ChatToAnthropic.note("delta.\(other ?? "without type")", &dropped)
                return []
            }
        }

        private mutating func remember(_ reported: JSONValue?) {
            guard case .object(let numbers)? = reported else { return }
            for key in ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"] {
                if let n = numbers[key]?.intValue { usage[key] = .integer(n) }
            }
        }

        private func base() -> [String: JSONValue] {
            ["id": id, "object": "chat.completion.chunk", "created": .integer(created), "model": model]
        }

        private func chunk(_ delta: [String: JSONValue], finishReason: JSONValue = .null) -> WireEvent {
            var chunk = base()
            chunk["choices"] = [["index": 0, "delta": .object(delta), "finish_reason": finishReason]]
            return .json(.object(chunk))
        }

        private mutating func fail(_ reason: String) -> [WireEvent] {
            failure = UntranslatableAnswer(reason: reason)
            return []
        }
    }
}
