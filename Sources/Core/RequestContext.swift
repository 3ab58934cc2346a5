import struct Foundation.Date

/// Facts about one request that every stage may read: its id, where it came from, when it arrived.
public struct RequestContext: Sendable {
    public var requestID: String
    public var clientIP: String?
    public var receivedAt: Date
    /// The route the call came in on, e.g. `/v1/chat/completions`.
    public var route: String

    public init(requestID: String, clientIP: String? = nil, receivedAt: Date = Date(), route: String = "") {
        self.requestID = requestID
        self.clientIP = clientIP
        self.receivedAt = receivedAt
        self.route = route
    }
}
