import NIOCore
import NIOSSL

/// The client certificate chain a mTLS listener verified during the handshake (DER, leaf first);
/// empty on plain listeners or when the client sent none.
enum ClientCertificate {
    static func chain(of channel: any Channel) async -> [[UInt8]] {
        guard let handler = try? await channel.pipeline.handler(type: NIOSSLHandler.self).get() else { return [] }
        let certificate: NIOSSLCertificate? = try? await channel.eventLoop.submit { handler.peerCertificate }.get()
        guard let certificate, let der = try? certificate.toDERBytes() else { return [] }
        return [der]
    }
}
