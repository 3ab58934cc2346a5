import Core
import Foundation
import Hummingbird
import Limits
import NIOCore

/// `GET /v1/usage`: the caller's own current limits, spend and remaining budget. Administrators
/// (`administration.roles` / `groups`) get every principal's. Authenticated and audited like any call.
struct UsageRoutes: Sendable {
    let pipeline: Pipeline
    let admission: AdmissionControl
    let administration: AdministrationConfiguration

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/v1/usage") { request, context in
            let id = RequestIdentifier.accept(request.headers[.init("x-request-id")!])
            let ctx = Core.RequestContext(requestID: id, clientIP: context.clientIP, route: "/v1/usage")
            var trail = RequestTrail(context: ctx)
            let credentials = Credentials(authorization: request.headers[.authorization], apiKeyHeader: request.headers[.init("x-api-key")!])
            let principal: Principal
            do {
                principal = try await pipeline.authenticate.authenticate(credentials, context: ctx)
            } catch {
                trail.outcome = .refusedAuth
                let refusal = (error as? GatewayError) ?? .credentialsMissing
                trail.authFailure = if case .unauthenticated(let why) = refusal { why } else { "missing credentials" }
                trail.status = 401
                trail.finished = .now
                await pipeline.record.complete(trail)
                return HTTPAnswer.response(pipeline.answer(refusal, trail: trail, extraHeaders: []), requestID: id)
            }
            trail.principal = principal
            let isAdmin = principal.roles.contains(where: administration.roles.contains)
                || principal.groups.contains(where: administration.groups.contains)
            let reports = isAdmin ? admission.usageForAll() : [admission.usage(for: principal)]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data: [UInt8]
            do {
                let body = UsageListing(scope: isAdmin ? "all" : "self", data: reports)
                data = Array(try encoder.encode(body))
            } catch {
                return HTTPAnswer.error(.internalError, requestID: id)
            }
            trail.status = 200
            trail.finished = .now
            await pipeline.record.complete(trail)
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
