import Core
import Foundation

/// Maps a request's record to an OCSF 1.x "API Activity" event (class_uid 6003, category 6
/// "Application Activity"), the form SIEMs ingest. Fields the schema has no place for go in `unmapped`.
enum OCSFEvent {
    static let schemaVersion = "1.3.0"

    static func activity(_ action: String) -> (id: Int, name: String) {
        switch action {
        case Operation.modelsList.rawValue, Operation.toolsList.rawValue, Operation.resourcesList.rawValue, Operation.promptsList.rawValue,
            Operation.resourcesRead.rawValue, Operation.promptsGet.rawValue: (2, "Read")
        case Operation.toolsCall.rawValue: (3, "Update")
        case Operation.chatCompletions.rawValue, Operation.responses.rawValue, Operation.messages.rawValue,
            Operation.embeddings.rawValue: (1, "Create")
        default: (0, "Unknown")
        }
    }

    static func severity(_ outcome: AuditRecord.Outcome?) -> (id: Int, name: String) {
        switch outcome {
        case .allowed?, .cacheHit?, nil: (1, "Informational")
        case .upstreamError?, .timeout?, .clientDisconnect?, .aborted?, .invalidRequest?: (2, "Low")
        case .controlUnavailable?: (3, "Medium")
        case .refusedAuth?, .refusedPolicy?, .refusedLimit?: (3, "Medium")
        case .blockedGuardrail?, .refusedIntegrity?: (4, "High")
        }
    }

    static func event(_ r: AuditRecord, recordHash: String) -> JSONValue {
        let act = activity(r.action)
        let sev = severity(r.outcome)
        let success = r.outcome == .allowed || r.outcome == .cacheHit
        // A begin (streamed; an export prints finished requests only) does not know its outcome yet.
        let status: (id: Int, name: String) = r.phase == .begin ? (0, "Unknown") : success ? (1, "Success") : (2, "Failure")
        var event: [String: JSONValue] = [
            "class_uid": 6003, "class_name": "API Activity",
            "category_uid": 6, "category_name": "Application Activity",
            "activity_id": .integer(act.id), "activity_name": .string(act.name),
            "type_uid": .integer(600300 + act.id), "type_name": .string("API Activity: \(act.name)"),
            "time": .integer(Int((r.time.timeIntervalSince1970 * 1000).rounded())),
            "severity_id": .integer(sev.id), "severity": .string(sev.name),
            "status_id": .integer(status.id), "status": .string(status.name),
            "metadata": [
                "version": .string(schemaVersion), "uid": .string(recordHash), "correlation_uid": .string(r.requestID),
                "log_name": "portcullis-audit", "sequence": .integer(r.sequence),
                "product": ["name": "Portcullis", "vendor_name": "Portcullis", "feature": ["name": "audit"]],
            ],
        ]
        if let s = r.status { event["status_code"] = .string(String(s)) }
        if let d = r.refusalReason ?? r.outcome?.rawValue { event["status_detail"] = .string(d) }
        var actor: [String: JSONValue] = [:]
        if let p = r.principal {
            var user: [String: JSONValue] = [
                "uid": .string(p.subject), "type": .string(p.kind == "service" ? "System" : "User"),
                "type_id": p.kind == "service" ? 3 : 1,
                "groups": .array(p.groups.map { ["name": .string($0)] }),
            ]
            if let t = p.tenant { user["org"] = ["uid": .string(t)] }
            actor["user"] = .object(user)
            actor["idp"] = ["name": .string(p.issuer)]
            // A delegated call: the application acting for the user is the nearest actor (OCSF `app_uid`).
            if let nearest = p.actors.first { actor["app_uid"] = .string(nearest.id) }
        }
        if let d = r.decision {
            actor["authorizations"] = .array(
                (d.determiningPolicies.isEmpty ? [""] : d.determiningPolicies).map { id in
                    var a: [String: JSONValue] = ["decision": .string(d.effect == "allow" ? "Allow" : "Deny")]
                    if !id.isEmpty { a["policy"] = ["uid": .string(id), "name": .string(id)] }
                    return .object(a)
                })
        }
        if !actor.isEmpty { event["actor"] = .object(actor) }
        // The trail id is the request's unique id; the caller's x-request-id is the correlation id.
        var api: [String: JSONValue] = ["operation": .string(r.action), "request": ["uid": .string(r.trailID)]]
        if let s = r.status { api["response"] = ["code": .integer(s)] }
        if let p = r.provider { api["service"] = ["name": .string(p)] }
        event["api"] = .object(api)
        if let ip = r.clientIP { event["src_endpoint"] = ["ip": .string(ip)] }
        if let m = r.modelServed ?? r.modelRequested {
            event["resources"] = [["type": "ai_model", "name": .string(m), "uid": .string(m)]]
        } else if let mcp = r.mcp {
            let name = mcp.name.map { "\(mcp.server)/\($0)" } ?? mcp.server
            let type = mcp.name == nil ? "mcp_server" : "mcp_" + (mcp.method.split(separator: "/").first.map(String.init) ?? "call")
            event["resources"] = [["type": .string(type), "name": .string(name), "uid": .string(name)]]
        }
        if let total = r.latency?.totalMs { event["duration"] = .integer(Int(total.rounded())) }
        event["unmapped"] = unmapped(r)
        return .object(event)
    }

    static func unmapped(_ r: AuditRecord) -> JSONValue {
        let encoder = CanonicalEncoding.encoder()
        func json<T: Encodable>(_ v: T?) -> JSONValue? {
            guard let v, let data = try? encoder.encode(v) else { return nil }
            return try? JSONDecoder().decode(JSONValue.self, from: data)
        }
        var u: [String: JSONValue] = ["phase": .string(r.phase.rawValue)]
        u["outcome"] = r.outcome.map { .string($0.rawValue) }
        u["model_requested"] = r.modelRequested.map { .string($0) }
        u["model_served"] = r.modelServed.map { .string($0) }
        u["route"] = r.route.map { .string($0) }
        u["api"] = r.api.map { .string($0) }
        u["upstream_format"] = r.upstreamFormat.map { .string($0) }
        u["attempts"] = json(r.attempts)
        u["mcp"] = json(r.mcp)
        u["purpose"] = r.purpose.map { .string($0) }
        u["data_classification"] = r.dataClassification.map { .string($0) }
        u["decision"] = json(r.decision)
        u["obligations"] = json(r.obligations)
        u["findings"] = r.findings.isEmpty ? nil : json(r.findings)
        u["usage"] = r.usage.map {
            ["input_tokens": .integer($0.inputTokens), "output_tokens": .integer($0.outputTokens),
             "cache_write_tokens": .integer($0.cacheWriteTokens), "cache_read_tokens": .integer($0.cacheReadTokens)]
        }
        u["cost"] = r.cost.map { .number($0) }
        u["currency"] = r.currency.map { .string($0) }
        u["latency"] = json(r.latency)
        u["cache_hit"] = r.cacheHit.map { .bool($0) }
        u["streamed_bytes"] = r.streamedBytes.map { .integer($0) }
        u["dropped_answer_fields"] = r.droppedAnswerFields.map { .array($0.map(JSONValue.string)) }
        u["content"] = json(r.content)
        u["acr"] = r.principal?.acr.map { .string($0) }
        if let p = r.principal, !p.actors.isEmpty {
            u["actors"] = .array(p.actors.map { ["id": .string($0.id), "kind": .string($0.kind), "source": .string($0.source)] })
        }
        u["token_binding"] = r.principal?.tokenBinding.map { .string($0) }
        return .object(u)
    }
}
