import Core

extension Pipeline {
    /// A request the HTTP layer refuses before the pipeline can run — body too large (413, after the
    /// caller was authenticated: `principal`), unknown route or method (404, no principal) — still leaves
    /// its one complete audit record, with the error code as the refusal reason.
    public func refuseUnrouted(
        _ error: GatewayError, context: RequestContext, operation: Core.Operation? = nil, principal: Principal? = nil,
        extraHeaders: [(String, String)] = []
    ) async -> PipelineAnswer {
        var trail = RequestTrail(context: context)
        trail.operation = operation
        trail.principal = principal
        trail.outcome = .invalidRequest
        let mapped = ErrorResponse(error)
        trail.refusalReason = mapped.code
        trail.status = mapped.status
        trail.finished = .now
        await record.complete(trail)
        // Unmatched paths are the caller's choice: one metrics label for all of them.
        metrics.recordRequest(route: operation == nil ? "unmatched" : context.route, status: mapped.status, model: nil, trail: trail)
        let (body, contentType) = ErrorResponse.body(for: error)
        return PipelineAnswer(status: mapped.status, headers: [("content-type", contentType)] + mapped.headers + extraHeaders, body: .bytes(body))
    }
}
