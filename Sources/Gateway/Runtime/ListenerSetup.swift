import Core
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// Plain HTTP, TLS, or mTLS (client certificates verified against `server.tls.client_ca` during the
/// handshake; the verified chain is read per request for workload identity).
enum ListenerSetup {
    static func server(_ server: ServerConfiguration) throws -> HTTPServerBuilder {
        guard let tls = server.tls else { return .http1() }
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(try tls.privateKey.resolve().utf8), format: .pem)
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        config.minimumTLSVersion = .tlsv12
        if let ca = tls.clientCA {
            config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            config.certificateVerification = tls.requireClientCertificate ? .noHostnameVerification : .optionalVerification
        }
        return try .tls(.http1(), tlsConfiguration: config)
    }
}
