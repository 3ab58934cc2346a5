import Core

/// One API call as the HTTP layer hands it to the pipeline: already size-checked, not yet interpreted.
public struct IncomingCall: Sendable {
    public var operation: Core.Operation
    public var body: [UInt8]
    public var credentials: Credentials
    public var context: RequestContext
    public var purpose: String?
    public var classification: String?
    /// The client's `Cache-Control` header (`no-store`, `no-cache` are honoured by the cache).
    public var cacheControl: String?

    public init(operation: Core.Operation, body: [UInt8], credentials: Credentials, context: RequestContext,
                purpose: String? = nil, classification: String? = nil, cacheControl: String? = nil) {
        self.operation = operation
        self.body = body
        self.credentials = credentials
        self.context = context
        self.purpose = purpose
        self.classification = classification
        self.cacheControl = cacheControl
    }
}

/// What the pipeline answers: a complete body, or a stream the HTTP layer writes out as it comes.
public struct PipelineAnswer: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Writes SSE bytes through `emit`; returns when the stream is over. `emit` throws when the
        /// client went away, which cancels the upstream call.
        case stream(@Sendable (_ emit: ([UInt8]) async throws -> Void) async -> Void)
    }
    public var status: Int
    public var headers: [(String, String)]
    public var body: Body

    public init(status: Int, headers: [(String, String)], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
