import Support

/// A parsed API request in provider-neutral form, read by its client API's dialect: every field of the body
/// was declared by the dialect and validated; `body` is what will be forwarded (after obligations).
public struct AIRequest: Sendable {
    public var operation: Operation
    /// The public model name the caller asked for.
    public var model: String
    /// Every text the model will read, with its role and place in `body`.
    public var messages: [AIMessage]
    /// Tools offered to the model, wherever the API declares them (`tools`, legacy `functions`...).
    public var tools: [AITool]
    public var stream: Bool
    public var maxTokens: Int?
    /// Answers asked for (chat's `n`); each may use the whole output cap.
    public var choices: Int
    /// True when the caller asks for token-level detail that mirrors the answer text (logprobs).
    public var asksForLogprobs: Bool
    /// A reference to conversation state the provider stored (Responses `previous_response_id`): served
    /// only to the principal whose call created it.
    public var continuation: String?
    /// Declared purpose (`x-portcullis-purpose`), e.g. `summarise`, `codegen`.
    public var purpose: String?
    /// Declared data classification (`x-portcullis-data-classification`), e.g. `public`, `confidential`.
    public var dataClassification: String?
    /// Rough input size for admission decisions (≈ characters / 4).
    public var estimatedInputTokens: Int
    /// The body as received (decoded and validated), mutated by obligations before forwarding.
    public var body: JSONValue
    /// Provider features the caller opted into that the gateway allows (Anthropic's `anthropic-beta`).
    public var providerBetas: [String] = []
    /// The version of the provider's API the body is written in, when the caller names one (`anthropic-version`).
    public var providerVersion: String?

    public init(
        operation: Operation, model: String, messages: [AIMessage] = [], tools: [AITool] = [],
        stream: Bool = false, maxTokens: Int? = nil, choices: Int = 1, asksForLogprobs: Bool = false, continuation: String? = nil,
        purpose: String? = nil, dataClassification: String? = nil, estimatedInputTokens: Int? = nil, body: JSONValue = .object([:])
    ) {
        self.operation = operation
        self.model = model
        self.messages = messages
        self.tools = tools
        self.stream = stream
        self.maxTokens = maxTokens
        self.choices = choices
        self.asksForLogprobs = asksForLogprobs
        self.continuation = continuation
        self.purpose = purpose
        self.dataClassification = dataClassification
        self.estimatedInputTokens =
            estimatedInputTokens ?? max(1, messages.reduce(0) { $0 + $1.text.utf8.count } / 4)
        self.body = body
    }

    /// The names of the tools offered (`context.tools` of the policy step).
    public var toolNames: [String] { tools.map(\.name) }
}

/// A tool a request offers the model.
public struct AITool: Sendable, Hashable {
    public enum Execution: Sendable, Hashable {
        /// The caller runs it: its calls and results pass through the gateway as text.
        case client
        /// The provider runs it (remote MCP servers, web or file search, code execution): what it reads and
        /// returns never passes the gateway, so a policy must permit it by name.
        case provider
    }

    /// The name policies see (`context.tools`, `@tools`): the function's name, or the built-in tool's
    /// (`web_search`, `mcp:<server_label>`).
    public var name: String
    /// The element of the body that declares it (removed when `@tools` does not allow it).
    public var location: JSONLocation
    public var execution: Execution

    public init(name: String, location: JSONLocation, execution: Execution) {
        self.name = name
        self.location = location
        self.execution = execution
    }
}

extension AIRequest {
    /// Removes `removed` from the body (each tool's element), with the texts declared inside them; texts and
    /// tools after a removed element of the same array move up with it, so every location stays true.
    public mutating func remove(tools removed: [AITool]) {
        // Each removal moves what follows it, the other removals' places included: they move with it.
        var pending = removed.map(\.location.steps)
        while let gone = pending.popLast() {
            pending = pending.compactMap { Self.afterRemoving(gone, from: $0) }
            guard body.remove(at: JSONLocation(gone)) else { continue }
            messages = messages.compactMap { m in
                var m = m
                guard let moved = Self.afterRemoving(gone, from: m.location.steps) else { return nil }
                m.location = JSONLocation(moved)
                return m
            }
            tools = tools.compactMap { t in
                var t = t
                guard let moved = Self.afterRemoving(gone, from: t.location.steps) else { return nil }
                t.location = JSONLocation(moved)
                return t
            }
        }
    }

    /// Where `steps` points once the array element at `gone` is removed: nil inside it, one index lower after
    /// it in the same array, unchanged elsewhere.
    static func afterRemoving(_ gone: [JSONLocation.Step], from steps: [JSONLocation.Step]) -> [JSONLocation.Step]? {
        guard case .index(let removedIndex)? = gone.last, steps.count >= gone.count,
            Array(steps.prefix(gone.count - 1)) == Array(gone.dropLast())
        else { return steps }
        guard case .index(let i) = steps[gone.count - 1] else { return steps }
        if i == removedIndex { return nil }
        guard i > removedIndex else { return steps }
        var moved = steps
        moved[gone.count - 1] = .index(i - 1)
        return moved
    }
}
