import Core

extension AnthropicToChat {
    /// `chat.completion.chunk`s as Anthropic stream events (each named by its type), chunk by chunk.
    ///
    /// The first chunk opens `message_start` (empty content, zero usage) and `ping`; content deltas fill a
    /// text block, each tool call index its own `tool_use` block (arguments as `input_json_delta`); a
    /// `finish_reason` closes the open block; usage is remembered; `[DONE]` sends `message_delta` (stop
    /// reason and usage) and `message_stop`. A refusal delta is text, and makes the stop reason `refusal`.
    /// Dropped and named: reasoning deltas (`reasoning_content`, `reasoning`, `thinking`,
    /// `reasoning_details`), `annotations`, `logprobs`, `audio`, further choices. A tool call that resumes
    /// after another began cannot be expressed (Anthropic blocks do not interleave): `failure`. An OpenAI
    /// error chunk becomes an `error` event. Everything owed is sent at `[DONE]`, so `finish()` has nothing
    /// to add — and a cut stream never gets a `message_stop`.
    public struct StreamTranslator: Sendable {
        public private(set) var dropped: [String] = []
        public private(set) var failure: UntranslatableAnswer?

        private enum OpenBlock: Equatable { case none, text, tool(Int) }

        private var started = false
        private var ended = false
        private var nextBlock = 0
        private var open: OpenBlock = .none
        private var toolCallsSeen: Set<Int> = []
        private var stopReason: JSONValue = .null
        private var refused = false
        private var usage: JSONValue?

        public init() {}

        public mutating func translate(name: String?, data: [UInt8]) -> [WireEvent] {
            guard failure == nil, !ended else { return [] }
            if data == WireEvent.done.data { return done() }
            guard let chunk = try? JSONParser.parse(data), case .object = chunk else { return [WireEvent(name: name, data: data)] }
            return translate(event: chunk)
        }

        /// One chunk already parsed (and read against the chat declaration) by the caller; `[DONE]` is given
        /// as bytes to `translate(name:data:)`.
        public mutating func translate(event chunk: JSONValue) -> [WireEvent] {
            guard failure == nil, !ended, case .object(let fields) = chunk else { return [] }
            if let error = fields["error"], error != .null {
                ended = true
                let type = ErrorBodies.anthropicType(openAI: error["type"]?.stringValue, code: error["code"]?.stringValue)
                let message = error["message"]?.stringValue ?? error.stringValue ?? "the upstream stream failed"
                return [.json(ErrorBodies.anthropicError(type: type, message: message), name: "error")]
            }
            var events = start(fields)
            let choices = fields["choices"]?.arrayValue ?? []
            for choice in choices {
                guard choice["index"]?.intValue ?? 0 == 0 else {
                    ChatToAnthropic.note("choices[1...]", &dropped)
                    continue
                }
                if let logprobs = choice["logprobs"], logprobs != .null { ChatToAnthropic.note("logprobs", &dropped) }
                if let delta = choice["delta"], delta != .null { events += self.delta(delta) }
                if let finish = choice["finish_reason"], finish != .null {
                    events += close()
                    stopReason = AnthropicToChat.stopReason(finish, &dropped)
                }
            }
            if let reported = fields["usage"], reported != .null { usage = reported }
            return failure == nil ? events : []
        }

        /// Nothing: `[DONE]` already sent the end, and a stream cut before it must not look complete.
        public mutating func finish() -> [WireEvent] { [] }

        private mutating func start(_ fields: [String: JSONValue]) -> [WireEvent] {
            guard !started else { return [] }
            started = true
            let message: JSONValue = [
                "id": fields["id"] ?? .null, "type": "message", "role": "assistant", "model": fields["model"] ?? .null,
                "content": [], "stop_reason": nil, "stop_sequence": nil, "usage": ["input_tokens": 0, "output_tokens": 0],
            ]
            return [event(["type": "message_start", "message": message]), event(["type": "ping"])]
        }

        private mutating func delta(_ delta: JSONValue) -> [WireEvent] {
            var events: [WireEvent] = []
            for key in ["reasoning_content", "reasoning", "thinking", "reasoning_details", "annotations", "audio"] {
                switch delta[key] {
                case nil, .null?, .array([])?, .string("")?: continue
                default: ChatToAnthropic.note(key, &dropped)
                }
            }
            for key in ["content", "refusal"] {
                guard let text = TranslationReading.plainText(delta[key]), !text.isEmpty else { continue }
                if key == "refusal" { refused = true }
                if open != .text {
                    events += close()
                    events.append(event(["type": "content_block_start", "index": .integer(nextBlock), "content_block": ["type": "text", "text": ""]]))
                    open = .text
                }
                events.append(event(["type": "content_block_delta", "index": .integer(nextBlock), "delta": ["type": "text_delta", "text": .string(text)]]))
            }
            if let function = delta["function_call"], function != .null {
                _ = fail("a streamed legacy function_call is not translated")
            }
            for call in delta["tool_calls"]?.arrayValue ?? [] {
                guard let k = call["index"]?.intValue else { return fail("a tool call delta has no index") }
                if open != .tool(k) {
                    guard !toolCallsSeen.contains(k) else { return fail("tool call deltas interleave") }
                    guard let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue else {
                        return fail("a tool call starts without id or name")
                    }
                    events += close()
                    toolCallsSeen.insert(k)
                    events.append(event(["type": "content_block_start", "index": .integer(nextBlock),
                                         "content_block": ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]]]))
                    open = .tool(k)
                }
                if let arguments = call["function"]?["arguments"]?.stringValue, !arguments.isEmpty {
                    events.append(event(["type": "content_block_delta", "index": .integer(nextBlock),
                                         "delta": ["type": "input_json_delta", "partial_json": .string(arguments)]]))
                }
            }
            return events
        }

        private mutating func close() -> [WireEvent] {
            guard open != .none else { return [] }
            let stop = event(["type": "content_block_stop", "index": .integer(nextBlock)])
            open = .none
            nextBlock += 1
            return [stop]
        }

        private mutating func done() -> [WireEvent] {
            var events = start([:])
            events += close()
            ended = true
            let cached = usage?["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0
            let prompt = usage?["prompt_tokens"]?.intValue ?? 0
            var counts: [String: JSONValue] = [
                "input_tokens": .integer(max(0, prompt - cached)), "output_tokens": .integer(usage?["completion_tokens"]?.intValue ?? 0),
            ]
            if cached > 0 { counts["cache_read_input_tokens"] = .integer(cached) }
            let reason: JSONValue = refused ? "refusal" : (stopReason == .null ? "end_turn" : stopReason)
            events.append(event(["type": "message_delta", "delta": ["stop_reason": reason, "stop_sequence": nil], "usage": .object(counts)]))
            events.append(event(["type": "message_stop"]))
            return events
        }

        private func event(_ value: JSONValue) -> WireEvent { .json(value, name: value["type"]?.stringValue) }

        private mutating func fail(_ reason: String) -> [WireEvent] {
            failure = UntranslatableAnswer(reason: reason)
            return []
        }
    }
}
