import NIOCore

/// What a request needs that depends on its final bytes or on a credential obtained at run time: Bedrock's
/// SigV4 signature over the body, Vertex AI's OAuth access token. Runs for every attempt, just before sending.
public protocol RequestAuthorizer: Sendable {
    /// Adds headers to `headers` (never the caller's: these are the gateway's own credentials). Throws when the
    /// credential cannot be had (the call then fails closed).
    func authorize(method: String, url: String, headers: inout [(String, String)], body: ByteBufferView) async throws(UpstreamError)
}
