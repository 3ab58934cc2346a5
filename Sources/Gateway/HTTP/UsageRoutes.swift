import Core
import Foundation
import Hummingbird
import Limits
import NIOCore

/// `GET /v1/usage`: the caller's own current limits, spend and remaining budget. Administrators
/// (`administration.roles` / `groups`, asserted by one of `administration.issuers`) get every principal's.
/// Authenticated (bearer token or mTLS certificate) and audited like any call. When the limits store cannot
/// answer: 503 `control_unavailable`.
struct UsageRoutes: Sendable {
    let routes: GatewayRoutes
    let admission: AdmissionControl
    let administration: AdministrationConfiguration

    var pipeline: Pipeline { routes.pipeline }

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/v1/usage") { request, context in
            let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
            let ctx = Core.RequestContext(requestID: id, clientIP: context.clientIP, route: "/v1/usage")
            var trail = RequestTrail(context: ctx)
            let credentials = await routes.credentials(request, context)
            let principal: Principal
            do throws(GatewayError) {
                principal = try await pipeline.authenticated(credentials, context: ctx, trail: &trail)
            } catch {
                return HTTPAnswer.response(await pipeline.refuse(error, trail: trail, admission: nil), requestID: id)
            }
            trail.principal = principal
            let isAdmin = administration.isAdministrator(principal)
            let reports: [UsageReport]
            do {
                reports = isAdmin ? try await admission.usageForAll() : [try await admission.usage(for: principal)]
            } catch {
                return HTTPAnswer.response(
                    await pipeline.refuse(GatewayError.controlUnavailable(control: "limits"), trail: trail, admission: nil), requestID: id)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data: [UInt8]
            do {
                let body = UsageListing(scope: isAdmin ? "all" : "self", data: reports)
                data = Array(try encoder.encode(body))
            } catch {
                return HTTPAnswer.response(await pipeline.refuse(GatewayError.internalError, trail: trail, admission: nil), requestID: id)
            }
            try? await pipeline.conclude(&trail, RequestEnd(status: 200, outcome: .allowed), admission: nil)
            return HTTPAnswer.response(PipelineAnswer(status: 200, headers: [("content-type", "application/json")], body: .bytes(data)), requestID: id)
        }
    }
}

/// `{"object":"usage","scope":"self"|"all","data":[UsageReport...]}`
struct UsageListing: Encodable {
    let object = "usage"
    let scope: String
    let data: [UsageReport]
}
