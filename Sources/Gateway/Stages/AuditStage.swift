import Audit
import Core
import Logging

/// Step 9 over the `Audit` module. A begin record that cannot be written stops the request
/// (fail closed, 503) unless `audit.fail_mode: open`, which forwards but logs and counts loudly.
struct AuditStage: Recording {
    let trail: AuditTrail
    let failOpen: Bool
    let metrics: GatewayMetrics
    let logger: Logger
    /// `limits.currency`: the currency of every recorded cost.
    var currency: String = "USD"
    /// Builds the stored copies in `redacted` mode; without it that mode stores no bodies.
    var redaction: RedactedContent?

    var answerCapture: AnswerCapture {
        switch trail.configuration.content {
        case .none: .none
        case .hash: .digest
        case .redacted: .providerAnswer   // the redacted copy is built from the answer as the provider sent it
        case .encrypted: .delivered
        }
    }

    func begin(_ t: RequestTrail) async throws(GatewayError) {
        do {
            try await trail.begin(record(t, phase: .begin))
        } catch {
            metrics.count("audit_write_failures", help: "Audit records that could not be written", labels: [("phase", "begin")])
            guard failOpen else { throw .controlUnavailable(control: "audit") }
            logger.critical("audit begin record not written; forwarding anyway because audit.fail_mode is open", metadata: ["request_id": .string(t.context.requestID), "trail_id": .string(t.trailID)])
        }
    }

    func end(_ t: RequestTrail) async { await write(t, phase: .end) }
    func complete(_ t: RequestTrail) async { await write(t, phase: .complete) }

    func completeBeforeAnswer(_ t: RequestTrail) async throws(GatewayError) {
        do {
            try await trail.complete(record(t, phase: .complete))
        } catch {
            metrics.count("audit_write_failures", help: "Audit records that could not be written", labels: [("phase", "complete")])
            guard failOpen else {
                logger.error("audit record not written; cached answer withheld (audit.fail_mode is closed)", metadata: ["request_id": .string(t.context.requestID), "trail_id": .string(t.trailID)])
                // What the caller gets instead is a 503: that refusal is recorded once the store takes records again.
                var refused = t
                refused.status = 503
                refused.outcome = .controlUnavailable
                refused.answerBody = []
                refused.answerDigest = nil
                refused.providerAnswer = nil
                refused.usage = nil
                trail.retryInBackground(record(refused, phase: .complete), phase: .complete)
                throw .controlUnavailable(control: "audit")
            }
            logger.critical("audit record not written; serving the cached answer anyway because audit.fail_mode is open", metadata: ["request_id": .string(t.context.requestID), "trail_id": .string(t.trailID)])
        }
    }

    /// Counted by the trail, so `AuditTrail.close()` (graceful shutdown) waits for it.
    func endInBackground(_ t: RequestTrail) {
        trail.writeInBackground { await self.write(t, phase: .end) }
    }

    /// An end or refusal record: written now, or — when the store cannot take it now — retried in the background
    /// until it can (the answer is not held up, and the record is not lost while the process lives).
    private func write(_ t: RequestTrail, phase: AuditRecord.Phase) async {
        let record = record(t, phase: phase)
        do {
            if phase == .end { try await trail.end(record) } else { try await trail.complete(record) }
        } catch {
            metrics.count("audit_write_failures", help: "Audit records that could not be written", labels: [("phase", phase.rawValue)])
            logger.error("audit record not written yet; retrying in the background", metadata: ["request_id": .string(t.context.requestID), "trail_id": .string(t.trailID), "phase": .string(phase.rawValue)])
            trail.retryInBackground(record, phase: phase)
        }
    }

    func record(_ t: RequestTrail, phase: AuditRecord.Phase) -> AuditRecord {
        var r = AuditRecord(trailID: t.trailID, phase: phase, context: t.context, operation: t.operation, principal: t.principal)
        r.refusalReason = t.authFailure ?? t.refusalReason
            ?? (t.outcome == .invalidRequest || t.outcome == .controlUnavailable ? t.outcome.rawValue : nil)
        r.purpose = t.receivedRequest?.purpose
        r.dataClassification = t.receivedRequest?.dataClassification
        r.modelRequested = t.modelRequested
        r.modelServed = t.modelServed
        r.provider = t.provider
        r.api = t.operation.flatMap(Dialects.dialect(for:))?.api
        r.upstreamFormat = t.upstreamFormat
        r.decision = t.decision.map(AuditDecision.init)
        r.obligations = t.decision.map { AppliedObligations($0.obligations) }
        r.findings = AuditFinding.summarise(t.requestFindings + t.answerFindings)
        if let mcp = t.mcp {
            r.mcp = mcp
            r.action = mcp.method
        }
        let redacted = trail.configuration.content == .redacted
        // The request body is captured once: in the begin record (or the single complete record).
        if phase != .end { r.requestBody = redacted ? redaction?.request(t) : t.requestBody }
        guard phase != .begin else { return r }
        r.status = t.status
        r.usage = t.usage
        r.cost = t.cost
        r.currency = r.cost == nil ? nil : currency
        r.cacheHit = t.cacheHit
        r.streamedBytes = t.streamed ? t.streamedBytes : nil
        r.droppedAnswerFields = t.droppedAnswerFields.isEmpty ? nil : t.droppedAnswerFields
        r.attempts = t.attempts.isEmpty ? nil : t.attempts
        r.outcome = AuditRecord.Outcome(rawValue: t.outcome.rawValue)
        r.responseBody = redacted ? redaction?.response(t) : t.answerBody
        if !redacted { r.responseDigest = t.answerDigest }
        r.latency = AuditLatency(
            gatewayOverheadMs: t.gatewayOverhead.map(Self.ms), upstreamMs: t.upstreamDuration.map(Self.ms),
            timeToFirstTokenMs: t.timeToFirstToken.map(Self.ms), totalMs: t.totalDuration.map(Self.ms))
        return r
    }

    static func ms(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}
