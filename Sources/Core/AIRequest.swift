import Support

/// A parsed API request in provider-neutral form. The original JSON body is kept so that
/// fields the gateway does not interpret pass through unchanged.
public struct AIRequest: Sendable {
    public var operation: Operation
    /// The public model name the caller asked for.
    public var model: String
    public var messages: [AIMessage]
    /// Names of tools/functions the caller offers the model.
    public var tools: [String]
    public var stream: Bool
    public var maxTokens: Int?
    /// Declared purpose (`x-portcullis-purpose`), e.g. `summarise`, `codegen`.
    public var purpose: String?
    /// Declared data classification (`x-portcullis-data-classification`), e.g. `public`, `confidential`.
    public var dataClassification: String?
    /// Rough input size for admission decisions (≈ characters / 4).
    public var estimatedInputTokens: Int
    /// The body as received (decoded), mutated by obligations before forwarding.
    public var body: JSONValue

    public init(
        operation: Operation, model: String, messages: [AIMessage] = [], tools: [String] = [],
        stream: Bool = false, maxTokens: Int? = nil, purpose: String? = nil,
        dataClassification: String? = nil, estimatedInputTokens: Int? = nil, body: JSONValue = .object([:])
    ) {
        self.operation = operation
        self.model = model
        self.messages = messages
        self.tools = tools
        self.stream = stream
        self.maxTokens = maxTokens
        self.purpose = purpose
        self.dataClassification = dataClassification
        self.estimatedInputTokens =
            estimatedInputTokens ?? max(1, messages.reduce(0) { $0 + $1.text.utf8.count } / 4)
        self.body = body
    }
}
