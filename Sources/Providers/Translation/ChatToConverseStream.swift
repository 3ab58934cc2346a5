import Core

extension ChatToConverse {
    /// ConverseStream events (`name` = the event type, `data` = its JSON payload) as `chat.completion.chunk`s.
    ///
    /// `messageStart` opens with a role chunk; text deltas become content, a `toolUse` block start a tool
    /// call (id, name, empty arguments) and its input deltas argument fragments; `messageStop` a
    /// finish-reason chunk; `metadata` (always last) the usage chunk — when `includeUsage` — and `[DONE]`.
    /// Dropped and named: reasoning and citation deltas, other block kinds, `metrics`, `trace`,
    /// `performanceConfig`, `additionalModelResponseFields`, unknown events (`event.<name>`) and members
    /// (`<event>.<member>`); the padding member `p` is known and carries nothing. An `exception:<type>` or
    /// `error:<code>` event becomes an OpenAI error chunk without `[DONE]`. A text delta that is not text,
    /// or an event out of order, is a `failure`. `finish()` sends the end only after `messageStop` (a
    /// stream whose `metadata` never came); a stream cut before `messageStop` never gets an end.
    public struct StreamTranslator: Sendable {
        public private(set) var dropped: [String] = []
        public private(set) var failure: UntranslatableAnswer?
        /// The usage the `metadata` event reported, for budgets.
        public private(set) var usage: TokenUsage?

        private let includeUsage: Bool
        private var chunks: ChatAnswerParts.Chunks
        private var started = false
        private var stopped = false
        private var ended = false
        /// Converse block index -> chat tool call index, for toolUse blocks.
        private var toolCallOfBlock: [Int: Int] = [:]
        private var toolCalls = 0

        /// `includeUsage`: the caller's `stream_options.include_usage` (the gateway may always ask, and drop
        /// the chunk itself); `model`: the model name the chunks carry (Converse names none).
        public init(includeUsage: Bool = true, model: JSONValue = .null) {
            self.includeUsage = includeUsage
            chunks = ChatAnswerParts.Chunks(id: .string(ChatAnswerParts.generatedID()), model: model)
        }

        public mutating func translate(name: String?, data: [UInt8]) -> [WireEvent] {
            guard failure == nil, !ended else { return [] }
            let parsed = try? JSONParser.parse(data)
            if case .object? = parsed { return translate(name: name, event: parsed!) }
            // An exception whose payload cannot be read still ends the stream with an error chunk.
            if let name, name.hasPrefix("exception:") || name.hasPrefix("error:") { return translate(name: name, event: [:]) }
            return fail("an event is not a JSON object")
        }

        /// One event already parsed by the caller.
        public mutating func translate(name: String?, event: JSONValue) -> [WireEvent] {
            guard failure == nil, !ended else { return [] }
            guard let name else { return fail("an event without a type") }
            if name.hasPrefix("exception:") || name.hasPrefix("error:") {
                ended = true
                let kind = String(name.drop { $0 != ":" }.dropFirst())
                let error = name.hasPrefix("exception:")
                    ? ChatToConverse.streamError(exception: kind, event)
                    : ChatAnswerParts.error(message: event["message"]?.stringValue ?? "the upstream stream failed", status: 500,
                                            code: ChatToConverse.code(kind))
                return [.json(error)]
            }
            if name != "messageStart", !started { return fail("\(name) before messageStart") }
            switch name {
            case "messageStart":
                guard !started else { return fail("a second messageStart") }
                started = true
                note(event, known: ["role"], name)
                return [chunks.delta(["role": "assistant", "content": ""])]
            case "contentBlockStart":
                note(event, known: ["contentBlockIndex", "start"], name)
                return blockStart(event)
            case "contentBlockDelta":
                note(event, known: ["contentBlockIndex", "delta"], name)
                return blockDelta(event)
            case "contentBlockStop":
                note(event, known: ["contentBlockIndex"], name)
                return []
            case "messageStop":
                note(event, known: ["stopReason", "additionalModelResponseFields"], name)
                if let extra = event["additionalModelResponseFields"], extra != .null { ChatToAnthropic.note("additionalModelResponseFields", &dropped) }
                stopped = true
                return [chunks.delta([:], finishReason: ChatToConverse.finishReason(event["stopReason"], &dropped))]
            case "metadata":
                note(event, known: ["usage", "metrics", "trace", "performanceConfig", "serviceTier"], name)
                for key in ["metrics", "trace", "performanceConfig", "serviceTier"] where (event[key] ?? .null) != .null {
                    ChatToAnthropic.note(key, &dropped)
                }
                usage = ChatToConverse.usage(event) ?? usage
                return stopped ? end() : []
            default:
                ChatToAnthropic.note("event.\(name)", &dropped)
                return []
            }
        }

        /// The end, when `messageStop` came but `metadata` did not; nothing for a stream cut before.
        public mutating func finish() -> [WireEvent] {
            guard failure == nil, stopped, !ended else { return [] }
            return end()
        }

        private mutating func end() -> [WireEvent] {
            ended = true
            guard includeUsage else { return [.done] }
            return [chunks.usage(usage ?? TokenUsage()), .done]
        }

        private mutating func blockStart(_ event: JSONValue) -> [WireEvent] {
            guard let index = event["contentBlockIndex"]?.intValue, case .object(let start)? = event["start"] else {
                return fail("contentBlockStart without contentBlockIndex or start")
            }
            var events: [WireEvent] = []
            for kind in start.keys.sorted() {
                guard kind == "toolUse" else {
                    ChatToAnthropic.note("contentBlockStart.start.\(kind)", &dropped)
                    continue
                }
                let tool = start[kind]!
                guard let id = tool["toolUseId"]?.stringValue, let name = tool["name"]?.stringValue else {
                    return fail("toolUse start without toolUseId or name")
                }
                for key in (tool.objectValue ?? [:]).keys.sorted() where key != "toolUseId" && key != "name" {
                    ChatToAnthropic.note("contentBlockStart.start.toolUse.\(key)", &dropped)
                }
                guard toolCallOfBlock[index] == nil else { return fail("a second toolUse start for one block") }
                toolCallOfBlock[index] = toolCalls
                events.append(chunks.toolCallStart(index: toolCalls, id: id, name: name))
                toolCalls += 1
            }
            return events
        }

        private mutating func blockDelta(_ event: JSONValue) -> [WireEvent] {
            guard let index = event["contentBlockIndex"]?.intValue, case .object(let delta)? = event["delta"] else {
                return fail("contentBlockDelta without contentBlockIndex or delta")
            }
            var events: [WireEvent] = []
            for kind in delta.keys.sorted() {
                let value = delta[kind]!
                switch kind {
                case "text":
                    guard let text = value.stringValue else { return fail("a text delta is not a string") }
                    guard toolCallOfBlock[index] == nil else { return fail("a text delta inside a toolUse block") }
                    events.append(chunks.delta(["content": .string(text)]))
                case "toolUse":
                    guard let k = toolCallOfBlock[index] else { return fail("a toolUse delta outside a toolUse block") }
                    guard let input = value["input"]?.stringValue else { return fail("a toolUse delta input is not a string") }
                    for key in (value.objectValue ?? [:]).keys.sorted() where key != "input" {
                        ChatToAnthropic.note("contentBlockDelta.delta.toolUse.\(key)", &dropped)
                    }
                    events.append(chunks.toolCallArguments(index: k, input))
                default:
                    ChatToAnthropic.note("contentBlockDelta.delta.\(kind)", &dropped)
                }
            }
            return events
        }

        /// Names the members of `event` outside `known` (and the padding `p`) as dropped.
        private mutating func note(_ event: JSONValue, known: Set<String>, _ name: String) {
            for key in (event.objectValue ?? [:]).keys.sorted() where key != "p" && !known.contains(key) {
                ChatToAnthropic.note("\(name).\(key)", &dropped)
            }
        }

        private mutating func fail(_ reason: String) -> [WireEvent] {
            failure = UntranslatableAnswer(reason: reason)
            return []
        }
    }
}
