import Core

/// A stored answer: the assembled body of a non-streamed response, or the SSE event payloads (the text
/// after `data: `, in order, including the final `[DONE]` if the provider sent one) of a streamed one, so
/// the gateway can replay it as a stream. A key does not include `stream`, so a lookup may return either
/// form; the gateway serves the form it can (or treats the other as a miss).
public struct CachedAnswer: Sendable, Hashable {
    public enum Payload: Sendable, Hashable {
        case complete(body: [UInt8])
        case stream(events: [[UInt8]])
    }

    public var payload: Payload
    /// Usage the provider reported for the original call, to settle rate limits on a hit.
    public var usage: TokenUsage
    public var contentType: String
    /// When it was stored (nanoseconds since the epoch; set by the cache).
    public internal(set) var storedAt: Int64 = 0

    public init(payload: Payload, usage: TokenUsage, contentType: String? = nil) {
        self.payload = payload
        self.usage = usage
        switch payload {
        case .complete: self.contentType = contentType ?? "application/json"
        case .stream: self.contentType = contentType ?? "text/event-stream"
        }
    }

    /// Seconds since it was stored, for an `Age` header.
    public func age(now: Int64) -> Int { max(0, Int((now - storedAt) / 1_000_000_000)) }

    var byteCount: Int {
        switch payload {
        case .complete(let b): b.count + contentType.utf8.count + 64
        case .stream(let events): events.reduce(0) { $0 + $1.count + 16 } + contentType.utf8.count + 64
        }
    }
}

/// The client's `Cache-Control` request directives the cache honours.
public struct CacheControl: Sendable, Hashable {
    /// Neither serve from nor write to the cache.
    public var noStore: Bool
    /// Do not serve from the cache (the fresh answer may still be stored).
    public var noCache: Bool

    public init(noStore: Bool = false, noCache: Bool = false) {
        self.noStore = noStore
        self.noCache = noCache
    }

    /// Parses a `Cache-Control` header value such as `no-store` or `no-cache, max-age=0`.
    public init(header: String?) {
        self.init()
        guard let header else { return }
        for token in header.lowercased().split(separator: ",") {
            let parts = token.split(separator: "=", maxSplits: 1).map { Self.trim($0) }
            switch (parts.first, parts.count > 1 ? parts[1] : nil) {
            case ("no-store", _): noStore = true
            case ("no-cache", _): noCache = true
            case ("max-age", "0"): noCache = true
            default: break
            }
        }
    }

    private static func trim(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
