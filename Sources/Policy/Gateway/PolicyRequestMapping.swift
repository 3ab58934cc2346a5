import Core

import struct Foundation.Date

/// Turns a gateway `PolicyQuery` into a Cedar request:
/// - principal `User::"<id>"` / `Service::"<id>"`, attributes {id, issuer, subject, kind, email?, name?,
///   tenant?, acr?, groups, roles, scopes}, parents `Group::"<g>"` and `Role::"<r>"` (plus their ancestors);
/// - action `Action::"<operation>"`;
/// - resource `Model::"<name>"`, attributes {provider, hosting, region?, tier?, allowed_data_classes}, or for
///   MCP calls the server, tool, resource or prompt (see `MCPEntityMapping`);
/// - context {api?, purpose?, classification?, tools, stream, input_tokens, max_tokens, source_ip?, hour,
///   weekday, findings, finding_categories, delegated, actor?, actors, actor_depth, token_binding}: `actor` is the
///   nearest actor (`Service::"<id>"`, attributes like a principal's plus `source`, parents its groups and roles),
///   `actors` every actor of the chain, `token_binding` `none`, `dpop` or `mtls`.
/// Absent optional strings are omitted, so `context has purpose` tells whether one was declared.
enum PolicyRequestMapping {
    static let weekdays = ["thu", "fri", "sat", "sun", "mon", "tue", "wed"]  // 1970-01-01 was a Thursday

    @inline(__always)
    static func F(_ name: String, _ value: Value) -> CedarRecord.Field { CedarRecord.Field(name: name, value: value) }

    static func strings(_ values: [String]) -> Value { .set(CedarSet(values.map(Value.string))) }

    static func request(for query: PolicyQuery, entities: EntityStore) -> AuthorizationRequest {
        let p = query.principal
        let id = p.id
        let principalUID = EntityUID(type: p.kind == .service ? "Service" : "User", id: id)
        var attrs: [CedarRecord.Field] = [
            F("id", .string(id)), F("issuer", .string(p.issuer)), F("subject", .string(p.subject)),
            F("kind", .string(p.kind.rawValue)), F("groups", strings(p.groups)), F("roles", strings(p.roles)),
            F("scopes", strings(p.scopes)),
        ]
        if let v = p.email { attrs.append(F("email", .string(v))) }
        if let v = p.name { attrs.append(F("name", .string(v))) }
        if let v = p.tenant { attrs.append(F("tenant", .string(v))) }
        if let v = p.acr { attrs.append(F("acr", .string(v))) }
        var parents = p.groups.map { EntityUID(type: "Group", id: $0) } + p.roles.map { EntityUID(type: "Role", id: $0) }
        if let configured = entities[principalUID] { parents += configured.parents }
        var ancestors = parents
        for parent in parents { ancestors += entities.ancestors(of: parent) }
        let principal = Entity(
            uid: principalUID, attributes: CedarRecord(uniqueFields: attrs), parents: parents, ancestors: ancestors)

        var local = [principal]
        for actor in p.actors where !local.contains(where: { $0.uid == actorUID(actor) }) {
            local.append(actorEntity(actor, entities: entities))
        }
        let resourceUID: EntityUID
        if let target = query.mcp {
            let resource = MCPEntityMapping.entity(for: target, entities: entities)
            resourceUID = resource.uid
            local.append(resource)
        } else if let m = query.model {
            resourceUID = EntityUID(type: "Model", id: m.name)
            var modelAttrs: [CedarRecord.Field] = [
                F("name", .string(m.name)), F("provider", .string(m.provider)), F("hosting", .string(m.hosting)),
                F("allowed_data_classes", strings(m.allowedDataClasses)),
            ]
            if let v = m.region { modelAttrs.append(F("region", .string(v))) }
            if let v = m.tier { modelAttrs.append(F("tier", .string(v))) }
            let configured = entities[resourceUID]
            local.append(
                Entity(
                    uid: resourceUID, attributes: CedarRecord(uniqueFields: modelAttrs), parents: configured?.parents ?? [],
                    ancestors: configured?.ancestors.members ?? []))
        } else {
            resourceUID = EntityUID(type: "Model", id: "")
        }
        return AuthorizationRequest(
            principal: principalUID, action: EntityUID(type: "Action", id: query.operation.rawValue),
            resource: resourceUID, context: context(for: query), entities: entities, localEntities: local)
    }

    static func context(for q: PolicyQuery) -> Value {
        var c: [CedarRecord.Field] = [
            F("tools", strings(q.tools)),
            F("stream", .bool(q.stream)),
            F("input_tokens", .long(Int64(q.estimatedInputTokens))),
            F("max_tokens", .long(Int64(q.maxTokens ?? 0))),
        ]
        c.reserveCapacity(14)
        if let v = q.api { c.append(F("api", .string(v))) }
        if let v = q.purpose { c.append(F("purpose", .string(v))) }
        if let v = q.dataClassification { c.append(F("classification", .string(v))) }
        if let ip = q.sourceIP.flatMap(sourceAddress) { c.append(F("source_ip", .ipaddr(ip))) }
        let seconds = Int64(q.time.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        c.append(F("hour", .long(secondOfDay / 3600)))
        c.append(F("weekday", .string(weekdays[Int(floorDivide(days, 7).1)])))
        var findings: [Value] = []
        var categories: [Value] = []
        for f in q.findings {
            findings.append(.string(f.detector))
            findings.append(.string(f.category))
            let prefix = f.category.split(separator: ".", maxSplits: 1).first.map(String.init) ?? f.category
            categories.append(.string(prefix))
        }
        c.append(F("findings", .set(CedarSet(findings))))
        c.append(F("finding_categories", .set(CedarSet(categories))))
        if let target = q.mcp { c += MCPEntityMapping.context(for: target, operation: q.operation) }
        c += delegationContext(q.principal)
        return .record(CedarRecord(uniqueFields: c))
    }

    static func actorUID(_ a: Principal.Actor) -> EntityUID { EntityUID(type: a.kind == .service ? "Service" : "User", id: a.id) }

    /// An actor as an entity, so that `context.actor in Group::"rag-services"` and `context.actor.name` work.
    static func actorEntity(_ a: Principal.Actor, entities: EntityStore) -> Entity {
        let uid = actorUID(a)
        var attrs: [CedarRecord.Field] = [
            F("id", .string(a.id)), F("issuer", .string(a.issuer)), F("subject", .string(a.subject)),
            F("kind", .string(a.kind.rawValue)), F("groups", strings(a.groups)), F("roles", strings(a.roles)),
            F("source", .string(a.source.rawValue)),
        ]
        if let v = a.name { attrs.append(F("name", .string(v))) }
        var parents = a.groups.map { EntityUID(type: "Group", id: $0) } + a.roles.map { EntityUID(type: "Role", id: $0) }
        if let configured = entities[uid] { parents += configured.parents }
        var ancestors = parents
        for parent in parents { ancestors += entities.ancestors(of: parent) }
        return Entity(uid: uid, attributes: CedarRecord(uniqueFields: attrs), parents: parents, ancestors: ancestors)
    }

    static func delegationContext(_ p: Principal) -> [CedarRecord.Field] {
        var c: [CedarRecord.Field] = [
            F("delegated", .bool(!p.actors.isEmpty)),
            F("actors", .set(CedarSet(p.actors.map { Value.entity(actorUID($0)) }))),
            F("actor_depth", .long(Int64(p.actors.count))),
            F("token_binding", .string(p.tokenBinding.rawValue)),
        ]
        if let nearest = p.actors.first { c.append(F("actor", .entity(actorUID(nearest)))) }
        return c
    }

    /// Parses a peer address; an IPv4-mapped IPv6 form (`::ffff:1.2.3.4`) is read as the IPv4 address.
    static func sourceAddress(_ text: String) -> IPAddress? {
        var t = Substring(text)
        if t.first == "[", let close = t.firstIndex(of: "]") { t = t[t.index(after: t.startIndex)..<close] }
        if let pct = t.firstIndex(of: "%") { t = t[..<pct] }
        if t.utf8.count > 7, t.utf8.contains(UInt8(ascii: ".")) {
            let head = t.utf8.prefix(7)
            if head.elementsEqual("::ffff:".utf8) || head.elementsEqual("::FFFF:".utf8) { t = t.dropFirst(7) }
        }
        return try? IPAddress.parse(String(t)).get()
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
