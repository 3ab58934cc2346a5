import Core

/// One API call as the HTTP layer hands it to the pipeline: headers read, body not yet read.
public struct IncomingCall: Sendable {
    public var operation: Core.Operation
    /// Read by the pipeline only after the caller is authenticated (401 comes before a byte of the body).
    public var body: RequestBody
    public var credentials: Credentials
    public var context: RequestContext
    public var purpose: String?
    public var classification: String?
    /// The client's `Cache-Control` header (`no-store`, `no-cache` are honoured by the cache).
    public var cacheControl: String?
    /// The API's own headers that change what the request means.
    public var apiHeaders: APIHeaders
    /// The caller's W3C trace context, when valid: the request span continues its trace (and nothing else reads it).
    public var traceContext: CallerTraceContext?

    public init(operation: Core.Operation, body: RequestBody, credentials: Credentials, context: RequestContext,
                purpose: String? = nil, classification: String? = nil, cacheControl: String? = nil, apiHeaders: APIHeaders = APIHeaders(),
                traceContext: CallerTraceContext? = nil) {
        self.operation = operation
        self.body = body
        self.credentials = credentials
        self.context = context
        self.purpose = purpose
        self.classification = classification
        self.cacheControl = cacheControl
        self.apiHeaders = apiHeaders
        self.traceContext = traceContext
    }
}

/// Request headers of a client API that change what its body means (Anthropic's `anthropic-version` and
/// `anthropic-beta`); checked by the API's dialect. Every other client header is ignored.
public struct APIHeaders: Sendable, Equatable {
    public var anthropicVersion: String?
    public var anthropicBeta: String?

    public init(anthropicVersion: String? = nil, anthropicBeta: String? = nil) {
        self.anthropicVersion = anthropicVersion
        self.anthropicBeta = anthropicBeta
    }
}

/// A request body not read yet: the pipeline reads it, at most `limit` bytes, once the caller is known.
public struct RequestBody: Sendable {
    /// The length the caller declared (`Content-Length`), if any.
    public let declaredLength: Int?
    private let collect: @Sendable (_ limit: Int) async throws -> [UInt8]

    /// `collect` returns the whole body, or throws when it exceeds `limit` bytes.
    public init(declaredLength: Int?, collect: @escaping @Sendable (_ limit: Int) async throws -> [UInt8]) {
        self.declaredLength = declaredLength
        self.collect = collect
    }

    /// A body already in memory (tests, benchmarks).
    public static func bytes(_ bytes: [UInt8]) -> RequestBody {
        RequestBody(declaredLength: bytes.count) { limit in
            guard bytes.count <= limit else { throw TooLarge() }
            return bytes
        }
    }

    struct TooLarge: Error {}

    /// The body, or `bodyTooLarge` when it is longer than `limit` (declared or actual).
    func read(limit: Int) async throws(GatewayError) -> [UInt8] {
        if let declaredLength, declaredLength > limit { throw .bodyTooLarge(limit: limit) }
        do { return try await collect(limit) } catch { throw .bodyTooLarge(limit: limit) }
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
