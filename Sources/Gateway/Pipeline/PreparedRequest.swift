import Core

/// The request as it will be forwarded (after obligations), plus what the response side needs
/// to undo or continue them (e.g. the pseudonym vault, kept only in memory for this request).
public struct PreparedRequest: Sendable {
    public var request: AIRequest
    public var obligations: Obligations
    /// Guardrail state for the response side (pseudonyms); opaque to the pipeline.
    public var responseState: (any Sendable)?
    /// The encoded body for the provider, set by the pipeline before the begin record (see `Forwarding`).
    public var upstreamBody: [UInt8]?

    public init(request: AIRequest, obligations: Obligations, responseState: (any Sendable)? = nil) {
        self.request = request
        self.obligations = obligations
        self.responseState = responseState
    }
}
