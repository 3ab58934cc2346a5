import Core

/// Writes a record's canonical JSON (the rule of Support's `CanonicalJSON`: keys sorted by their UTF-8
/// bytes, no whitespace, minimal escapes, doubles in shortest round-trip form; absent optionals omitted)
/// straight from the record's fields, in sorted key order, without building a `JSONValue` tree first. Hand-written because it runs for
/// every record inside the trail's serial section, where the tree cost ~40% of the chaining (measured
/// with bench/pipeline); a test holds its output byte-identical to the tree encoding for all fields.
struct CanonicalRecordWriter {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init() { bytes.reserveCapacity(1024) }

    static func encode(_ r: AuditRecord, time: String) -> [UInt8] {
        var w = CanonicalRecordWriter()
        w.record(r, time: time)
        return w.bytes
    }

    // MARK: records, in sorted key order

    mutating func record(_ r: AuditRecord, time: String) {
        open()
        key("action"); string(r.action)
        if let v = r.api { key("api"); string(v) }
        if let v = r.attempts { key("attempts"); array(v) { $0.attempt($1) } }
        if let v = r.cacheHit { key("cache_hit"); bool(v) }
        if let v = r.clientIP { key("client_ip"); string(v) }
        if let v = r.content { key("content"); content(v) }
        if let v = r.cost { key("cost"); number(v) }
        if let v = r.currency { key("currency"); string(v) }
        if let v = r.dataClassification { key("data_classification"); string(v) }
        if let v = r.decision { key("decision"); decision(v) }
        if let v = r.droppedAnswerFields { key("dropped_answer_fields"); strings(v) }
        key("findings"); array(r.findings) { $0.finding($1) }
        if let v = r.latency { key("latency"); latency(v) }
        if let v = r.mcp { key("mcp"); mcp(v) }
        if let v = r.modelRequested { key("model_requested"); string(v) }
        if let v = r.modelServed { key("model_served"); string(v) }
        if let v = r.obligations { key("obligations"); obligations(v) }
        if let v = r.outcome { key("outcome"); string(v.rawValue) }
        key("phase"); string(r.phase.rawValue)
        if let v = r.principal { key("principal"); principal(v) }
        if let v = r.provider { key("provider"); string(v) }
        if let v = r.purpose { key("purpose"); string(v) }
        if let v = r.refusalReason { key("refusal_reason"); string(v) }
        key("request_id"); string(r.requestID)
        if let v = r.route { key("route"); string(v) }
        key("sequence"); integer(r.sequence)
        if let v = r.status { key("status"); integer(v) }
        if let v = r.streamedBytes { key("streamed_bytes"); integer(v) }
        key("time"); string(time)
        key("trail_id"); string(r.trailID)
        if let v = r.upstreamFormat { key("upstream_format"); string(v) }
        if let v = r.usage {
            key("usage"); open()
            if v.cacheReadTokens != 0 { key("cacheReadTokens"); integer(v.cacheReadTokens) }
            if v.cacheWriteTokens != 0 { key("cacheWriteTokens"); integer(v.cacheWriteTokens) }
            key("inputTokens"); integer(v.inputTokens)
            key("outputTokens"); integer(v.outputTokens)
            close()
        }
        close()
    }

    private mutating func principal(_ p: AuditPrincipal) {
        open()
        if let v = p.acr { key("acr"); string(v) }
        if !p.actors.isEmpty {
            key("actors")
            array(p.actors) { w, a in
                w.open()
                w.key("issuer"); w.string(a.issuer)
                w.key("kind"); w.string(a.kind)
                w.key("source"); w.string(a.source)
                w.key("subject"); w.string(a.subject)
                w.close()
            }
        }
        if let v = p.authenticationMethod { key("authentication_method"); string(v) }
        key("groups"); strings(p.groups)
        key("issuer"); string(p.issuer)
        key("kind"); string(p.kind)
        key("subject"); string(p.subject)
        if let v = p.tenant { key("tenant"); string(v) }
        if let v = p.tokenBinding { key("token_binding"); string(v) }
        close()
    }

    private mutating func decision(_ d: AuditDecision) {
        open()
        key("determining_policies"); strings(d.determiningPolicies)
        key("effect"); string(d.effect)
        key("errors"); strings(d.errors)
        key("policy_set_hash"); string(d.policySetHash)
        close()
    }

    private mutating func obligations(_ o: AppliedObligations) {
        open()
        if let v = o.allowedArguments { key("allowed_arguments"); strings(v) }
        if let v = o.allowedTools { key("allowed_tools"); strings(v) }
        if let v = o.cacheScope { key("cache_scope"); string(v) }
        if let v = o.callsPerDay { key("calls_per_day"); integer(v) }
        if let v = o.guardrailProfile { key("guardrail_profile"); string(v) }
        if let v = o.maxTokens { key("max_tokens"); integer(v) }
        key("pseudonymise"); strings(o.pseudonymise)
        key("redact"); strings(o.redact)
        if let v = o.requestsPerMinute { key("requests_per_minute"); integer(v) }
        if let v = o.tokensPerMinute { key("tokens_per_minute"); integer(v) }
        close()
    }

    private mutating func finding(_ f: AuditFinding) {
        open()
        key("category"); string(f.category)
        key("count"); integer(f.count)
        key("detector"); string(f.detector)
        key("direction"); string(f.direction)
        key("positions")
        array(f.positions) { w, p in
            w.open()
            w.key("end"); w.integer(p.end)
            if let m = p.message { w.key("message"); w.integer(m) }
            w.key("start"); w.integer(p.start)
            w.close()
        }
        close()
    }

    private mutating func attempt(_ a: AuditAttempt) {
        open()
        if let v = a.durationMs { key("duration_ms"); number(v) }
        key("outcome"); string(a.outcome)
        if let v = a.policies { key("policies"); strings(v) }
        key("provider"); string(a.provider)
        if let v = a.requestSHA256 { key("request_sha256"); string(v) }
        if let v = a.status { key("status"); integer(v) }
        key("upstream_model"); string(a.upstreamModel)
        close()
    }

    private mutating func mcp(_ m: AuditMCPCall) {
        open()
        if let v = m.argumentsSHA256 { key("arguments_sha256"); string(v) }
        if let v = m.definitionSHA256 { key("definition_sha256"); string(v) }
        if let v = m.integrity {
            key("integrity")
            array(v) { w, e in
                w.open()
                w.key("event"); w.string(e.event)
                if let p = e.pinnedSHA256 { w.key("pinned_sha256"); w.string(p) }
                if let s = e.seenSHA256 { w.key("seen_sha256"); w.string(s) }
                w.key("tool"); w.string(e.tool)
                w.close()
            }
        }
        key("method"); string(m.method)
        if let v = m.name { key("name"); string(v) }
        if let v = m.protocolVersion { key("protocol_version"); string(v) }
        if let v = m.resultSHA256 { key("result_sha256"); string(v) }
        key("server"); string(m.server)
        if let v = m.session { key("session"); string(v) }
        close()
    }

    private mutating func latency(_ l: AuditLatency) {
        open()
        if let v = l.gatewayOverheadMs { key("gateway_overhead_ms"); number(v) }
        if let v = l.timeToFirstTokenMs { key("time_to_first_token_ms"); number(v) }
        if let v = l.totalMs { key("total_ms"); number(v) }
        if let v = l.upstreamMs { key("upstream_ms"); number(v) }
        close()
    }

    private mutating func content(_ c: CapturedContent) {
        open()
        if let v = c.contentSHA256 { key("content_sha256"); string(v) }
        if let v = c.keyID { key("key_id"); string(v) }
        key("mode"); string(c.mode.rawValue)
        if let v = c.requestBytes { key("request_bytes"); integer(v) }
        if let v = c.requestSHA256 { key("request_sha256"); string(v) }
        if let v = c.responseBytes { key("response_bytes"); integer(v) }
        if let v = c.responseSHA256 { key("response_sha256"); string(v) }
        close()
    }

    // MARK: JSON pieces

    private mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    private mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    /// Keys are ASCII names without characters to escape.
    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func array<T>(_ items: [T], _ write: (inout CanonicalRecordWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    private mutating func strings(_ items: [String]) { array(items) { $0.string($1) } }

    private mutating func string(_ s: String) { CanonicalJSON.writeString(s, into: &bytes) }

    private mutating func integer(_ i: Int) { CanonicalJSON.writeInteger(i, into: &bytes) }

    private mutating func bool(_ b: Bool) { bytes += (b ? "true" : "false").utf8 }

    private mutating func number(_ d: Double) { CanonicalJSON.writeNumber(d, into: &bytes) }
}
