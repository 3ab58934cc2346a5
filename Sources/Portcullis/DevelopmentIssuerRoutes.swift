import Gateway
import Hummingbird
import Identity
import NIOCore

/// Serves the demo's development identity provider on loopback (discovery and JWKS), so that any
/// OIDC client can see the keys the gateway trusts in demo mode. Only `portcullis demo` mounts it.
struct DevelopmentIssuerRoutes: Sendable {
    let issuer: DevelopmentIssuer

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/dev-idp/.well-known/openid-configuration") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: issuer.discoveryJSON())))
        }
        router.get("/dev-idp/jwks") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: issuer.jwksJSON())))
        }
    }
}
