import AsyncHTTPClient
import NIOCore

/// A provider's answer: the head, and a body that is either already complete or still arriving.
public struct UpstreamResponse: Sendable {
    public enum Body: Sendable {
        /// Whole body (non-streamed calls; bounded by the provider response limit).
        case complete(ByteBuffer)
        /// Body bytes as they arrive, starting with the first chunk (already received: a stream that sends
        /// nothing in time is a failed attempt, not an answer). Dropping the iterator cancels the request.
        case streaming(UpstreamStream)
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

/// A streamed body whose first chunk has already arrived: that chunk, then the rest as it comes. Iterate once.
public struct UpstreamStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let first: ByteBuffer?
    let rest: BodyCursor?

    init(first: ByteBuffer?, rest: BodyCursor?) {
        self.first = first
        self.rest = rest
    }

    /// A stream of given chunks (tests, benchmarks).
    public static func chunks(_ chunks: [ByteBuffer]) -> UpstreamStream {
        UpstreamStream(first: nil, rest: BodyCursor(HTTPClientResponse.Body.stream(AsyncChunks(chunks: chunks)).makeAsyncIterator()))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var first: ByteBuffer?
        let rest: BodyCursor?

        public mutating func next() async throws -> ByteBuffer? {
            if let chunk = first {
                first = nil
                return chunk
            }
            return try await rest?.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(first: first, rest: rest) }
}

/// The position in a response body, passed from the task that waited for its first chunk to the one relaying
/// the rest. `@unchecked Sendable` because the body iterator is not: it is used by one task at a time — the
/// first-chunk wait runs it in a child task whose group has ended (every child finished) before the cursor
/// is handed on, and the relay is the only consumer after that.
final class BodyCursor: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> ByteBuffer? { try await iterator.next() }
}

/// Given chunks as an async sequence.
struct AsyncChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunks: [ByteBuffer]

    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let chunks: [ByteBuffer]
        mutating func next() async -> ByteBuffer? {
            guard index < chunks.count else { return nil }
            defer { index += 1 }
            return chunks[index]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks) }
}
