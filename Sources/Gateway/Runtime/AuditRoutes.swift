import Audit
import Hummingbird
import NIOCore

/// `GET /audit/checkpoint` and `GET /audit/public-key`: what external witnesses need to hold the
/// gateway to its log (signed tree heads and the key that signs them). No record content is served.
struct AuditRoutes: Sendable {
    let trail: AuditTrail

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/audit/checkpoint") { _, _ in
            guard let checkpoint = await trail.latestCheckpoint() else {
                return HTTPAnswer.error(.controlUnavailable(control: "audit checkpoint"), requestID: RequestIdentifier.accept(nil))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: checkpoint.text)))
        }
        router.get("/audit/public-key") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: trail.publicKey())))
        }
    }
}
