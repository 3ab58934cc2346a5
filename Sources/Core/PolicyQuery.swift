import struct Foundation.Date

/// Everything the policy step may consider for one request: principal, action, resource, context.
/// `Policy` turns this into Cedar entities and a context record.
public struct PolicyQuery: Sendable {
    public var principal: Principal
    public var operation: Operation
    /// The wire format of the caller's API (`openai.chat_completions`, `anthropic.messages`), as `context.api`.
    public var api: String?
    /// The model requested; nil for calls with no model (models.list asks per model).
    public var model: ModelDescriptor?
    public var purpose: String?
    public var dataClassification: String?
    public var tools: [String]
    public var stream: Bool
    public var estimatedInputTokens: Int
    public var maxTokens: Int?
    public var sourceIP: String?
    public var time: Date
    /// Detector ids and categories found on the request side (e.g. `pii.sg_nric`).
    public var findings: [Finding]
    /// For MCP calls: the server, tool, resource or prompt acted on (the Cedar resource instead of a model).
    public var mcp: MCPTarget?

    public init(
        principal: Principal, operation: Operation, model: ModelDescriptor?, purpose: String? = nil,
        dataClassification: String? = nil, tools: [String] = [], stream: Bool = false,
        estimatedInputTokens: Int = 0, maxTokens: Int? = nil, sourceIP: String? = nil, time: Date = Date(),
        findings: [Finding] = [], api: String? = nil, mcp: MCPTarget? = nil
    ) {
        self.mcp = mcp
        self.principal = principal
        self.operation = operation
        self.model = model
        self.purpose = purpose
        self.dataClassification = dataClassification
        self.tools = tools
        self.stream = stream
        self.estimatedInputTokens = estimatedInputTokens
        self.maxTokens = maxTokens
        self.sourceIP = sourceIP
        self.time = time
        self.findings = findings
        self.api = api
    }
}
