import AsyncHTTPClient
import NIOCore

/// A provider's answer: the head, and a body that is either already complete or still arriving.
public struct UpstreamResponse: Sendable {
    public enum Body: Sendable {
        /// Whole body (non-streamed calls; bounded by the provider response limit).
        case complete(ByteBuffer)
        /// Body bytes as they arrive. Dropping the iterator cancels the upstream request.
        case streaming(HTTPClientResponse.Body)
    }

    public var status: Int
    /// Upstream headers worth relaying (content type, provider request id, rate-limit hints).
    public var headers: [(String, String)]
    public var body: Body

    public init(status: Int, headers: [(String, String)], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var contentType: String? {
        headers.first { $0.0.lowercased() == "content-type" }?.1
    }
}
