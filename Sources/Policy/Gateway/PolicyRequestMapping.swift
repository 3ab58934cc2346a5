import Core

import struct Foundation.Date

/// Turns a gateway `PolicyQuery` into a Cedar request:
/// - principal `User::"<id>"` / `Service::"<id>"`, attributes {id, issuer, subject, kind, email?, name?,
///   tenant?, acr?, groups, roles, scopes}, parents `Group::"<g>"` and `Role::"<r>"` (plus their ancestors);
/// - action `Action::"<operation>"`;
/// - resource `Model::"<name>"`, attributes {provider, hosting, region?, tier?, allowed_data_classes};
/// - context {purpose?, classification?, tools, stream, input_tokens, max_tokens, source_ip?, hour,
///   weekday, findings, finding_categories}.
/// Absent optional strings are omitted, so `context has purpose` tells whether one was declared.
enum PolicyRequestMapping {
    static let weekdays = ["thu", "fri", "sat", "sun", "mon", "tue", "wed"]  // 1970-01-01 was a Thursday

    static func request(for query: PolicyQuery, entities: EntityStore) -> AuthorizationRequest {
        let p = query.principal
        let principalUID = EntityUID(type: p.kind == .service ? "Service" : "User", id: p.id)
        var attrs: [String: Value] = [
            "id": .string(p.id), "issuer": .string(p.issuer), "subject": .string(p.subject),
            "kind": .string(p.kind.rawValue), "groups": .set(Set(p.groups.map(Value.string))),
            "roles": .set(Set(p.roles.map(Value.string))), "scopes": .set(Set(p.scopes.map(Value.string))),
        ]
        if let v = p.email { attrs["email"] = .string(v) }
        if let v = p.name { attrs["name"] = .string(v) }
        if let v = p.tenant { attrs["tenant"] = .string(v) }
        if let v = p.acr { attrs["acr"] = .string(v) }
        var parents = p.groups.map { EntityUID(type: "Group", id: $0) } + p.roles.map { EntityUID(type: "Role", id: $0) }
        if let configured = entities[principalUID] { parents += configured.parents }
        var ancestors = Set(parents)
        for parent in parents { ancestors.formUnion(entities.ancestors(of: parent)) }
        let principal = Entity(uid: principalUID, attributes: attrs, parents: parents, ancestors: ancestors)

        var local = [principal]
        let resourceUID: EntityUID
        if let m = query.model {
            resourceUID = EntityUID(type: "Model", id: m.name)
            var modelAttrs: [String: Value] = [
                "name": .string(m.name), "provider": .string(m.provider), "hosting": .string(m.hosting),
                "allowed_data_classes": .set(Set(m.allowedDataClasses.map(Value.string))),
            ]
            if let v = m.region { modelAttrs["region"] = .string(v) }
            if let v = m.tier { modelAttrs["tier"] = .string(v) }
            let configured = entities[resourceUID]
            local.append(
                Entity(
                    uid: resourceUID, attributes: modelAttrs, parents: configured?.parents ?? [],
                    ancestors: configured?.ancestors ?? []))
        } else {
            resourceUID = EntityUID(type: "Model", id: "")
        }
        return AuthorizationRequest(
            principal: principalUID, action: EntityUID(type: "Action", id: query.operation.rawValue),
            resource: resourceUID, context: context(for: query), entities: entities, localEntities: local)
    }

    static func context(for q: PolicyQuery) -> Value {
        var c: [String: Value] = [
            "tools": .set(Set(q.tools.map(Value.string))),
            "stream": .bool(q.stream),
            "input_tokens": .long(Int64(q.estimatedInputTokens)),
            "max_tokens": .long(Int64(q.maxTokens ?? 0)),
        ]
        if let v = q.purpose { c["purpose"] = .string(v) }
        if let v = q.dataClassification { c["classification"] = .string(v) }
        if let ip = q.sourceIP.flatMap(sourceAddress) { c["source_ip"] = .ipaddr(ip) }
        let seconds = Int64(q.time.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        c["hour"] = .long(secondOfDay / 3600)
        c["weekday"] = .string(weekdays[Int(floorDivide(days, 7).1)])
        var findings = Set<Value>()
        var categories = Set<Value>()
        for f in q.findings {
            findings.insert(.string(f.detector))
            findings.insert(.string(f.category))
            let prefix = f.category.split(separator: ".", maxSplits: 1).first.map(String.init) ?? f.category
            categories.insert(.string(prefix))
        }
        c["findings"] = .set(findings)
        c["finding_categories"] = .set(categories)
        return .record(c)
    }

    /// Parses a peer address; an IPv4-mapped IPv6 form (`::ffff:1.2.3.4`) is read as the IPv4 address.
    static func sourceAddress(_ text: String) -> IPAddress? {
        var t = Substring(text)
        if t.hasPrefix("["), let close = t.firstIndex(of: "]") { t = t[t.index(after: t.startIndex)..<close] }
        if let pct = t.firstIndex(of: "%") { t = t[..<pct] }
        let lower = t.lowercased()
        if lower.hasPrefix("::ffff:"), lower.contains(".") { t = t.dropFirst(7) }
        return try? IPAddress.parse(String(t)).get()
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
