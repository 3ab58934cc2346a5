import Hummingbird
import NIOCore

/// Hummingbird request context that keeps the channel, for the client address and, on mTLS
/// listeners, the verified client certificate chain.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Body size is enforced by the gateway itself (`server.max_body_bytes`), with an OpenAI-style 413.
    public var maxUploadSize: Int { .max }

    public var clientIP: String? { channel.remoteAddress?.ipAddress }
}
